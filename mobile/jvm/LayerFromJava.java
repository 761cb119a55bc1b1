// The Kotlin layer as Java calls it: @JvmStatic factories, @JvmOverloads
// constructors and factories, results as sealed classes, the SDK's callbacks
// as lambdas. .ci/mobile compiles it against the layer (javac fails if a Java
// name went away) and runs it; a failed check exits non-zero.
import com.enrollfsm.enroll.AnswerResult;
import com.enrollfsm.enroll.CallbackPimsBridge;
import com.enrollfsm.enroll.ConfigException;
import com.enrollfsm.enroll.EnrollConfig;
import com.enrollfsm.enroll.Enrollment;
import com.enrollfsm.enroll.EnrollmentFlow;
import com.enrollfsm.enroll.ErrorKind;
import com.enrollfsm.enroll.Pending;
import com.enrollfsm.enroll.PimsCallbacks;
import com.enrollfsm.enroll.PimsReply;
import com.enrollfsm.enroll.Prompt;
import com.enrollfsm.enroll.RestoreResult;
import java.nio.charset.StandardCharsets;
import java.util.Map;

public class LayerFromJava {
    static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAIL " + what);
            System.exit(1);
        }
    }

    public static void main(String[] args) {
        Enrollment.preload();
        PimsCallbacks sdk = new PimsCallbacks() {
            @Override public void get(String api, Map<String, String> params, PimsReply callback) {}

            @Override public void set(String api, Map<String, String> params, PimsReply callback) {}
        };
        CallbackPimsBridge bridge = new CallbackPimsBridge(sdk);
        Enrollment byDefault = Enrollment.start(bridge);
        Enrollment full = Enrollment.start(bridge, new EnrollConfig(EnrollmentFlow.FULL));
        check(full.getFlow() == EnrollmentFlow.FULL, "flow full");
        check(byDefault.getPending().getValue() instanceof Pending.Call, "a call is pending first");
        check(full.snapshot() != null, "a snapshot while a call is pending, as if its reply were lost");
        AnswerResult early = full.answer(Prompt.fromWire("pin"), "1234");
        check(early instanceof AnswerResult.Refused
            && ((AnswerResult.Refused) early).getReason().getKind() == ErrorKind.NOT_WAITING, "an answer during a call is refused: " + early);
        check(full.cancel(), "cancel ends the run");
        check(!full.cancel(), "a second cancel finds it over");
        check(full.getPending().getValue() instanceof Pending.Ended, "ended");
        check(full.snapshot() != null, "a snapshot once ended");
        RestoreResult damaged = Enrollment.restore(bridge, "{".getBytes(StandardCharsets.UTF_8));
        check(damaged instanceof RestoreResult.Refused, "a damaged snapshot is refused: " + damaged);
        try {
            Enrollment.restore(bridge, full.snapshot(), new byte[4]);
            check(false, "a 4-byte key is misuse: it throws");
        } catch (IllegalArgumentException e) {
            check(e instanceof ConfigException && ((ConfigException) e).getReason().getKind() == ErrorKind.CONFIG, "a ConfigException: " + e);
        }
        System.out.println("java: the Kotlin layer's Java surface works");
    }
}
