package tangent.storagerules;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageService.FirebaseStorageCreateContext;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageService.FirebaseStorageDeleteContext;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageService.FirebaseStorageGetContext;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageService.FirebaseStorageListContext;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageService.FirebaseStorageUpdateContext;
import com.google.firebase.rules.runtime.v1.ExpressionMapValue;
import com.google.firebase.rules.runtime.v1.ExpressionPathValue;
import com.google.firebase.rules.runtime.v1.ExpressionValue;
import com.google.firebase.rules.v1.SourcePosition;

/**
 * One Storage request as the engine's firebase.storage service asks for it. Google's
 * FirebaseStorage*ContextConverter turn this into the rule context (the variables request and
 * resource, the functions firestore.get, firestore.exists and debug), so names, argument checks and
 * which variables each method sees are theirs.
 */
final class StorageRequest
    implements FirebaseStorageGetContext,
        FirebaseStorageListContext,
        FirebaseStorageCreateContext,
        FirebaseStorageUpdateContext,
        FirebaseStorageDeleteContext {
  private final ExpressionPathValue path;
  private final ExpressionMapValue request;
  private final ExpressionValue resource;
  private final FirestoreReads reads;

  StorageRequest(
      String path, ExpressionMapValue request, ExpressionValue resource, FirestoreReads reads) {
    this.path = ExpressionValues.path(path);
    this.request = request;
    this.resource = resource;
    this.reads = reads;
  }

  @Override
  public ExpressionPathValue path() {
    return path;
  }

  @Override
  public ExpressionMapValue request() {
    return request;
  }

  /** The stored object, or a null value when there is none. */
  ExpressionValue resourceValue() {
    return resource;
  }

  @Override
  public ListenableFuture<ExpressionValue> resource() {
    return Futures.immediateFuture(resource);
  }

  /** debug(x) in a rule: firebase-tools shows the runtime's stderr in the emulator log. */
  @Override
  public ExpressionValue debug(ExpressionValue value) {
    System.err.println("debug(): " + value.toString().replace('\n', ' '));
    return value;
  }

  @Override
  public ListenableFuture<ExpressionValue> firestoreGet(
      ExpressionPathValue document, SourcePosition position) {
    return Futures.transform(
        reads.read(ExpressionValues.pathString(document)),
        found -> found.map(ExpressionValues::firestoreResource).orElse(ExpressionValues.NULL),
        MoreExecutors.directExecutor());
  }

  @Override
  public ListenableFuture<ExpressionValue> firestoreExists(
      ExpressionPathValue document, SourcePosition position) {
    return Futures.transform(
        reads.read(ExpressionValues.pathString(document)),
        found -> ExpressionValues.bool(found.isPresent()),
        MoreExecutors.directExecutor());
  }
}
