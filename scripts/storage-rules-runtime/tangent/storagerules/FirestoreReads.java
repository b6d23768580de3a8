package tangent.storagerules;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.gson.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Firestore documents one verify request reads, fetched through firebase-tools: we write {@code
 * {server_request_id, action: "fetch_firestore_document", context: {path}}}, and it answers on the
 * same id with the document as the Firestore REST API returns it ({@code status: "ok", result:
 * {name, fields}}) or {@code status: "not_found"}.
 *
 * <p>firebase-tools keeps one handler per id, so a request has at most one document request in
 * flight; others wait in order. A document read twice in one evaluation is fetched once, as the rules
 * service bills it once.
 */
final class FirestoreReads {
  private record Read(String path, SettableFuture<Optional<JsonObject>> document) {}

  private final int requestId;
  private final Consumer<JsonObject> send;
  private final Map<String, SettableFuture<Optional<JsonObject>>> byPath = new HashMap<>();
  private final ArrayDeque<Read> waiting = new ArrayDeque<>();
  private Read inFlight;

  FirestoreReads(int requestId, Consumer<JsonObject> send) {
    this.requestId = requestId;
    this.send = send;
  }

  /** The document at {@code /databases/(default)/documents/...}, or empty when it does not exist. */
  synchronized ListenableFuture<Optional<JsonObject>> read(String path) {
    SettableFuture<Optional<JsonObject>> known = byPath.get(path);
    if (known != null) return known;
    SettableFuture<Optional<JsonObject>> document = SettableFuture.create();
    byPath.put(path, document);
    waiting.add(new Read(path, document));
    if (inFlight == null) sendNext();
    return document;
  }

  void answer(JsonObject message) {
    Read read;
    synchronized (this) {
      read = inFlight;
      inFlight = null;
    }
    if (read == null) {
      System.err.println("Unrequested document answer for request " + requestId);
      return;
    }
    String status = message.has("status") ? message.get("status").getAsString() : "";
    // Completing the future resumes the evaluation on this thread, which may read again.
    switch (status) {
      case "ok" -> read.document().set(Optional.of(message.getAsJsonObject("result")));
      case "not_found" -> read.document().set(Optional.empty());
      default ->
          read.document()
              .setException(
                  new IllegalStateException(
                      "firebase-tools could not read " + read.path() + " (" + status + ")"));
    }
    synchronized (this) {
      if (inFlight == null) sendNext();
    }
  }

  private void sendNext() {
    Read next = waiting.poll();
    if (next == null) return;
    inFlight = next;
    JsonObject request = new JsonObject();
    request.addProperty("server_request_id", requestId);
    request.addProperty("action", "fetch_firestore_document");
    request.addProperty("status", "ok");
    JsonObject context = new JsonObject();
    context.addProperty("path", next.path());
    request.add("context", context);
    send.accept(request);
  }
}
