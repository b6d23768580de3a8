// @ts-check
// What `npm run deploy:check` cannot verify from here (it needs the project itself), as
// commands to run: printed after the findings, in the order the README's runbook follows.

/** The Firestore location that keeps each trigger and transaction next to the functions. */
const FIRESTORE_LOCATION_FOR = /** @type {Record<string, string>} */ ({
	'us-central1': 'nam5 (or us-central1)',
	'us-east1': 'nam5 (or us-east1)',
	'us-east4': 'nam5 (or us-east4)',
	'europe-west1': 'eur3 (or europe-west1)',
	'europe-west4': 'eur3 (or europe-west4)'
});

/**
 * @param {{ projectId: string, region: string, secrets: string[], crossServiceRules: boolean }} input
 * @returns {string[]}
 */
export function manualSteps({ projectId, region, secrets, crossServiceRules }) {
	const p = `--project ${projectId}`;
	const location = FIRESTORE_LOCATION_FOR[region] ?? region;
	const steps = [
		`Blaze plan: console.firebase.google.com/project/${projectId}/usage/details (Cloud Functions and Secret Manager need it).`,
		`Authentication → Sign-in method → Anonymous: enabled (console.firebase.google.com/project/${projectId}/authentication/providers).`,
		`Firestore: the (default) database in Native mode, location ${location}: \`gcloud firestore databases describe --database='(default)' ${p}\` shows type FIRESTORE_NATIVE and its locationId (it cannot be moved later).`,
		`Storage: the default bucket exists (console → Storage → Get started): \`gcloud storage buckets describe gs://${projectId}.firebasestorage.app\`.`,
		`Hosting site and web app: \`npx firebase hosting:sites:list ${p}\` shows ${projectId}; \`npx firebase apps:list WEB ${p}\` shows a web app linked to it (the app reads /__/firebase/init.json).`,
		...secrets.map((name) => `Secret ${name}: \`npx firebase functions:secrets:get ${name} ${p}\` shows a version (else \`functions:secrets:set ${name}\`).`),
		`Indexes first, then wait until every index is READY: \`npx firebase deploy --only firestore:indexes ${p}\`, then \`gcloud firestore indexes composite list ${p}\`.`,
		`CORS for file downloads: \`npm run deploy:cors -- --project ${projectId} [--domain your.domain] --apply\`.`
	];
	if (crossServiceRules)
		steps.push(
			`Storage service agent may read Firestore from storage.rules (a --non-interactive deploy never grants it): \`gcloud projects add-iam-policy-binding ${projectId} --member=serviceAccount:service-$(gcloud projects describe ${projectId} --format='value(projectNumber)')@gcp-sa-firebasestorage.iam.gserviceaccount.com --role=roles/firebaserules.firestoreServiceAgent\`.`
		);
	steps.push(
		`TURN server reachable: 3478 UDP and TCP, 5349 TLS (for turns:), the relay port range (coturn min-port..max-port, 49152-65535 UDP by default), external-ip set to its public address, static-auth-secret equal to TURN_SECRET.`,
		`Deploy: \`npx firebase deploy --project ${projectId}\` from a terminal the first time (answer the clean-up policy prompt with 1 day); in CI \`npx firebase deploy --project ${projectId} --non-interactive\` (add --force if it keeps a warm instance).`,
		`Container image clean-up policy, once the first functions deploy has created the repository (until then a non-interactive deploy exits non-zero after deploying functions): \`npx firebase functions:artifacts:setpolicy --location ${region} --days 1 ${p}\`.`
	);
	return steps;
}
