// The region every function runs in. The app calls its callables there ($shared/region),
// firebase.json's Hosting rewrites name it (checked by `npm run deploy:check`), and the
// Firestore database should live in or beside it (the README says why).
export const FUNCTIONS_REGION = 'us-central1';
