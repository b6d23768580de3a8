package tangent.storagerules;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.firebase.rules.lang.CompileResult;
import com.google.firebase.rules.lang.FirebaseRulesProtoCompiler;
import com.google.firebase.rules.lang.common.FirebaseRulesLangOptions;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageCreateContextConverter;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageDeleteContextConverter;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageGetContextConverter;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageListContextConverter;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageUpdateContextConverter;
import com.google.firebase.rules.runtime.common.EvaluationResult;
import com.google.firebase.rules.runtime.evaluators.AuthRuleEvaluator.RuleContext;
import com.google.firebase.rules.runtime.impl.DefaultEvaluator;
import com.google.firebase.rules.runtime.v1.ExpressionValue;
import com.google.firebase.rules.runtime.v1.RulesetAst;
import com.google.firebase.rules.v1.File;
import com.google.firebase.rules.v1.Issue;
import com.google.firebase.rules.v1.Source;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.LogManager;

/**
 * A Cloud Storage rules runtime for the Firebase Storage emulator, for machines that cannot download
 * firebase-tools' own (cloud-storage-rules-runtime-*.jar). It speaks the same JSON-lines protocol on
 * stdin/stdout (firebase-tools lib/emulator/storage/rules/runtime.js) and hands every decision to the
 * Firebase rules engine inside the Google Cloud CLI's Firestore emulator jar:
 *
 * <ul>
 *   <li>compiling: {@link FirebaseRulesProtoCompiler}, with cross-service rules allowed so
 *       {@code firestore.get()} / {@code firestore.exists()} compile;
 *   <li>the {@code firebase.storage} service (variables {@code request} and {@code resource}, the
 *       functions {@code firestore.get}, {@code firestore.exists} and {@code debug}): Google's
 *       FirebaseStorage*ContextConverter, fed by {@link StorageRequest};
 *   <li>evaluating: {@link DefaultEvaluator}.
 * </ul>
 *
 * What this class adds is plumbing: JSON in and out, and the round trip that asks firebase-tools for
 * the Firestore documents a rule reads ({@link FirestoreReads}).
 *
 * <p>Protocol, one JSON object per line. In: {@code {id, action: "load_ruleset" | "verify", context}},
 * and answers to our document requests, {@code {id, status: "ok" | "not_found", result}}. Out: {@code
 * {id, status: "ok", result, errors, warnings}}, and document requests {@code {server_request_id,
 * action: "fetch_firestore_document", context: {path}}}. firebase-tools waits for {@code id: -1}
 * before its first request and drops any line whose status is not "ok", so failures are reported as
 * status "ok" with {@code errors}, which it treats as a denial.
 */
public final class StorageRulesRuntime {
  private final FirebaseRulesProtoCompiler compiler =
      FirebaseRulesProtoCompiler.createStandalone(
          FirebaseRulesLangOptions.builder()
              .allowCrossServiceRules(true)
              .allowTernaryOperator(true) // as the Firestore emulator compiles its rules (EmulatorRulesCompiler)
              .build());
  private final Map<String, DefaultEvaluator> rulesets = new ConcurrentHashMap<>();
  private final Map<Integer, FirestoreReads> readsByRequest = new ConcurrentHashMap<>();
  private final OutputStream out;
  private final BufferedReader in;
  private final Thread reader = Thread.currentThread();
  private static final long LINE_GAP_MS = 10;
  private long lastWriteMs;

  StorageRulesRuntime(BufferedReader in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /** Set on the JVM that serves (see {@link #serveInFastStartingJvm}). */
  private static final String SERVING = "tangent.storagerules.serving";

  public static void main(String[] args) throws IOException, InterruptedException {
    if (System.getProperty(SERVING) == null && serveInFastStartingJvm(args)) return;
    serve();
  }

  /**
   * firebase-tools starts the runtime as {@code java -jar <jar> serve}, with no say over JVM
   * options. With HotSpot's default tiered compilation the optimizing compiler spends seconds of
   * CPU on the rules compiler's start (ANTLR, protobuf) and slows it severalfold on a busy
   * 2-core machine; the quick compiler alone (TieredStopAtLevel=1) gets storage.rules loaded
   * 3-5x sooner, and verify still answers in milliseconds. So this JVM starts a second one with
   * that option, sharing its stdin/stdout/stderr, and lives as long as it does. Returns false
   * (serve here instead) if the second JVM cannot be started.
   */
  private static boolean serveInFastStartingJvm(String[] args) throws InterruptedException {
    try {
      String javaCommand = ProcessHandle.current().info().command().orElse(null);
      if (javaCommand == null) return false;
      String classPath =
          Path.of(StorageRulesRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
      List<String> command =
          new ArrayList<>(
              List.of(
                  javaCommand,
                  "-XX:TieredStopAtLevel=1",
                  "-Duser.language=en",
                  "-D" + SERVING + "=1",
                  "-cp",
                  classPath,
                  StorageRulesRuntime.class.getName()));
      command.addAll(Arrays.asList(args));
      Process server = new ProcessBuilder(command).inheritIO().start();
      // firebase-tools stops the runtime with SIGINT: take the serving JVM along.
      Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
      System.exit(server.waitFor());
      return true;
    } catch (IOException | URISyntaxException | SecurityException e) {
      return false;
    }
  }

  private static void serve() throws IOException {
    // The engine logs through java.util.logging to stderr, and firebase-tools reports every stderr
    // line as "Unexpected rules runtime error".
    LogManager.getLogManager().reset();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StorageRulesRuntime runtime =
        new StorageRulesRuntime(in, new FileOutputStream(FileDescriptor.out));
    runtime.send(reply(-1));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) runtime.handle(line);
    }
    System.exit(0);
  }

  void handle(String line) {
    int id = -1;
    try {
      JsonObject message = JsonParser.parseString(line).getAsJsonObject();
      id = message.get("id").getAsInt();
      if (!message.has("action")) {
        answerDocumentRequest(id, message);
        return;
      }
      String action = message.get("action").getAsString();
      JsonObject context = message.getAsJsonObject("context");
      switch (action) {
        case "load_ruleset" -> loadRuleset(id, context);
        case "verify" -> verify(id, context);
        default -> send(failure(id, "Unknown action: " + action));
      }
    } catch (RuntimeException | IOException e) {
      readsByRequest.remove(id);
      send(failure(id, "Rules runtime could not handle the request: " + e));
    }
  }

  private void loadRuleset(int id, JsonObject context) {
    Source.Builder source = Source.newBuilder();
    for (JsonElement file : context.getAsJsonObject("source").getAsJsonArray("files")) {
      JsonObject f = file.getAsJsonObject();
      source.addFiles(
          File.newBuilder()
              .setName(f.get("name").getAsString())
              .setContent(f.get("content").getAsString()));
    }
    CompileResult compiled = compiler.compile(source);
    JsonObject response = reply(id);
    for (Issue issue : compiled.getIssues()) {
      String text =
          String.format(
              "%s:%d:%d - %s",
              issue.getSourcePosition().getFileName(),
              issue.getSourcePosition().getLine(),
              issue.getSourcePosition().getColumn(),
              issue.getDescription());
      response
          .getAsJsonArray(issue.getSeverity() == Issue.Severity.ERROR ? "errors" : "warnings")
          .add(text);
    }
    if (!compiled.hasCompilationError()) {
      RulesetAst ast = compiled.getRulesetAst();
      rulesets.put(context.get("rulesetName").getAsString(), new DefaultEvaluator(ast));
      JsonObject result = new JsonObject();
      result.addProperty("rulesVersion", ast.getVersion() == RulesetAst.Version.VERSION_2 ? 2 : 1);
      response.add("result", result);
    } else if (response.getAsJsonArray("errors").isEmpty()) {
      response.getAsJsonArray("errors").add("The rules did not compile.");
    }
    send(response);
  }

  private void verify(int id, JsonObject context) throws IOException {
    DefaultEvaluator evaluator = rulesets.get(context.get("rulesetName").getAsString());
    if (evaluator == null) {
      send(failure(id, "No ruleset loaded under " + context.get("rulesetName")));
      return;
    }
    JsonObject variables = context.getAsJsonObject("variables");
    FirestoreReads reads = new FirestoreReads(id, this::send);
    readsByRequest.put(id, reads);
    StorageRequest request =
        new StorageRequest(
            context.get("path").getAsString(),
            expressionValue(variables.get("request")).getMapValue(),
            expressionValue(variables.get("resource")),
            reads);
    String method = context.get("method").getAsString();
    // firebase-tools sends every upload as "create", with `resource` set when an object is
    // already there; writing over an existing object is an update in the rules language.
    if (method.equals("create") && !ExpressionValues.NULL.equals(request.resourceValue())) {
      method = "update";
    }
    RuleContext ruleContext =
        switch (method) {
          case "get" -> FirebaseStorageGetContextConverter.convert(request);
          case "list" -> FirebaseStorageListContextConverter.convert(request);
          case "create" -> FirebaseStorageCreateContextConverter.convert(request);
          case "update" -> FirebaseStorageUpdateContextConverter.convert(request);
          case "delete" -> FirebaseStorageDeleteContextConverter.convert(request);
          default -> throw new IllegalArgumentException("Unknown method: " + method);
        };
    ListenableFuture<EvaluationResult> evaluation = evaluator.evaluate(ruleContext);
    Futures.addCallback(
        evaluation,
        new FutureCallback<EvaluationResult>() {
          @Override
          public void onSuccess(EvaluationResult result) {
            readsByRequest.remove(id);
            JsonObject response = reply(id);
            JsonObject permit = new JsonObject();
            permit.addProperty("permit", result.permit());
            response.add("result", permit);
            send(response);
          }

          @Override
          public void onFailure(Throwable error) {
            readsByRequest.remove(id);
            send(failure(id, "Rules evaluation failed: " + error.getMessage()));
          }
        },
        MoreExecutors.directExecutor());
  }

  private void answerDocumentRequest(int id, JsonObject message) {
    FirestoreReads reads = readsByRequest.get(id);
    if (reads == null) {
      System.err.println("Document for a request that is no longer waiting: " + id);
      return;
    }
    reads.answer(message);
  }

  /** firebase-tools sends rules values as proto3 JSON of ExpressionValue (snake_case names). */
  private static ExpressionValue expressionValue(JsonElement json) throws IOException {
    if (json == null || json.isJsonNull()) return ExpressionValues.NULL;
    ExpressionValue.Builder value = ExpressionValue.newBuilder();
    JsonFormat.parser().merge(json.toString(), value);
    return value.build();
  }

  static JsonObject reply(int id) {
    JsonObject response = new JsonObject();
    response.addProperty("id", id);
    response.addProperty("status", "ok");
    response.add("warnings", new JsonArray());
    response.add("errors", new JsonArray());
    return response;
  }

  private static JsonObject failure(int id, String error) {
    JsonObject response = reply(id);
    response.getAsJsonArray("errors").add(error);
    return response;
  }

  /**
   * Whether firebase-tools has written more than we have read. Asked only on the thread that
   * reads stdin (BufferedReader.ready() waits for a readLine() under way); elsewhere, assume so.
   */
  private boolean moreInputWaiting() {
    if (Thread.currentThread() != reader) return true;
    try {
      return in.ready();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * firebase-tools 14.18 parses each chunk it reads from our stdout as one JSON document (later
   * versions split lines), so two lines arriving together are both lost and their requests hang.
   * One line per write and flush; and when another request is under way or waiting in stdin (only
   * then can two of our lines follow each other with no message from firebase-tools between
   * them), lines are kept {@link #LINE_GAP_MS} apart, as firebase-tools keeps its own writes 15
   * ms apart for the same reason.
   */
  void send(JsonObject message) {
    byte[] line = (message + "\n").getBytes(StandardCharsets.UTF_8);
    int own = (message.has("id") ? message.get("id") : message.get("server_request_id")).getAsInt();
    boolean crowded =
        readsByRequest.keySet().stream().anyMatch(id -> id != own) || moreInputWaiting();
    synchronized (out) {
      try {
        if (crowded) {
          long waitMs = lastWriteMs + LINE_GAP_MS - System.currentTimeMillis();
          if (waitMs > 0) Thread.sleep(waitMs);
        }
        out.write(line);
        out.flush();
        lastWriteMs = System.currentTimeMillis();
      } catch (IOException e) {
        // firebase-tools has gone; nobody is left to answer.
        System.exit(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
