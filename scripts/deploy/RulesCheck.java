// Compiles Firebase security rules offline with the compiler inside the Firestore
// emulator jar (the one the Emulator Suite runs), with the options the emulator uses
// (ternaries allowed) plus cross-service calls (firestore.get in storage.rules).
// Prints one line per issue, "<file>:<line>:<column> <SEVERITY> <description>", then
// "<file> OK" or "<file> FAILED". Exits 1 if any file has an error or a warning.
//   javac -cp <emulator.jar> -d <dir> RulesCheck.java && java -cp <emulator.jar>:<dir> RulesCheck a.rules b.rules
import com.google.firebase.rules.lang.CompileResult;
import com.google.firebase.rules.lang.FirebaseRulesProtoCompiler;
import com.google.firebase.rules.lang.common.FirebaseRulesLangOptions;
import com.google.firebase.rules.v1.File;
import com.google.firebase.rules.v1.Issue;
import com.google.firebase.rules.v1.Source;
import java.nio.file.Files;
import java.nio.file.Path;

public class RulesCheck {
  public static void main(String[] args) throws Exception {
    FirebaseRulesLangOptions options =
        FirebaseRulesLangOptions.builder().allowTernaryOperator(true).allowCrossServiceRules(true).build();
    boolean clean = true;
    for (String name : args) {
      String content = Files.readString(Path.of(name));
      Source source = Source.newBuilder().addFiles(File.newBuilder().setName(name).setContent(content)).build();
      CompileResult result = FirebaseRulesProtoCompiler.createStandalone(options).compile(source);
      for (Issue issue : result.getIssues()) {
        System.out.println(
            name + ":" + issue.getSourcePosition().getLine() + ":" + issue.getSourcePosition().getColumn()
                + " " + issue.getSeverity() + " " + issue.getDescription());
      }
      boolean ok = !result.hasCompilationError() && result.getIssues().isEmpty();
      System.out.println(name + (ok ? " OK" : " FAILED"));
      clean &= ok;
    }
    System.exit(clean ? 0 : 1);
  }
}
