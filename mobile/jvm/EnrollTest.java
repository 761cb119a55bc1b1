// Drives whole enrollments through the gobind-generated Java API, against
// the Go simulator, on the JVM: the Android embedding proven off-device.
// .ci/mobile builds the Go side as libgojni.so for Linux and runs this.

import com.enrollfsm.mobile.Backend;
import com.enrollfsm.mobile.Config;
import com.enrollfsm.mobile.Engine;
import com.enrollfsm.mobile.EngineError;
import com.enrollfsm.mobile.Logger;
import com.enrollfsm.mobile.Mobile;
import com.enrollfsm.mobile.Outcome;
import com.enrollfsm.mobile.Pending;
import com.enrollfsm.mobilesim.Mobilesim;
import com.enrollfsm.mobilesim.Simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

public final class EnrollTest {
	private static int passed, failed;

	interface Case {
		void run() throws Exception;
	}

	public static void main(String[] args) {
		run("push: full flow on Android, a Java bridge and logger", EnrollTest::pushFullAndroid);
		run("pull: shortcut on iOS, replies delivered by the app", EnrollTest::pullShortcutIOS);
		run("snapshot and restore at the new_pin prompt", EnrollTest::snapshotRestore);
		run("a refused answer throws a parseable exception", EnrollTest::refusedAnswer);
		run("a fatal code: the outcome carries code and class", EnrollTest::fatalCode);
		run("a Java exception from the bridge interrupts the run", EnrollTest::bridgeThrows);
		run("cancel from another thread during advance", EnrollTest::cancelDuringAdvance);
		System.out.println("java: " + passed + " passed, " + failed + " failed");
		System.exit(failed == 0 ? 0 : 1);
	}

	private static void run(String name, Case c) {
		try {
			c.run();
			passed++;
			System.out.println("PASS " + name);
		} catch (Throwable t) {
			failed++;
			System.out.println("FAIL " + name + ": " + t);
		}
	}

	private static void check(boolean ok, String what) {
		if (!ok) {
			throw new AssertionError(what);
		}
	}

	private static void equal(Object want, Object got, String what) {
		check(want.equals(got), what + ": want " + want + ", got " + got);
	}

	/** The user: reads the simulated SMS, types a PIN. */
	private static void answer(Engine e, Pending p, Simulator sim, String pin) throws Exception {
		String prompt = p.getPrompt();
		if (prompt.equals(Mobile.PromptPhoneNumber)) {
			e.answer(prompt, "06 12 34 56 78");
		} else if (prompt.equals(Mobile.PromptCertificationCode)) {
			e.answer(prompt, sim.lastCode(Mobilesim.KindCertification));
		} else if (prompt.equals(Mobile.PromptEnrollmentCode)) {
			e.answer(prompt, sim.lastCode(Mobilesim.KindEnrollment));
		} else if (prompt.equals(Mobile.PromptNewPIN) || prompt.equals(Mobile.PromptPIN)) {
			e.answer(prompt, pin);
		} else if (prompt.equals(Mobile.PromptRetry)) {
			e.act(prompt, Mobile.ActionRetry);
		} else {
			throw new AssertionError("unexpected prompt " + prompt);
		}
	}

	/** Push style: advance until the end, answering every prompt. */
	private static Outcome push(Engine e, Backend bridge, Simulator sim, String pin, List<String> prompts) throws Exception {
		for (int i = 0; i < 50; i++) {
			Pending p = e.advance(bridge);
			if (p.getKind().equals(Mobile.PendingNone)) {
				return e.outcome();
			}
			prompts.add(p.getPrompt());
			answer(e, p, sim, pin);
		}
		throw new AssertionError("the run did not end");
	}

	/** Pull style: the app makes each call and delivers the message. */
	private static Outcome pull(Engine e, Simulator sim, String pin, List<String> prompts) throws Exception {
		for (int i = 0; i < 100; i++) {
			Pending p = e.next();
			if (p.getKind().equals(Mobile.PendingCall)) {
				if (p.getParams().contains(pin)) {
					check(!p.toString().contains(pin), "printing a call masks the PIN: " + p);
				}
				byte[] message = sim.call(p.request()); // in an app: pims.get / pims.set with a callback
				e.deliver(p.getCallID(), message);
			} else if (p.getKind().equals(Mobile.PendingPrompt)) {
				prompts.add(p.getPrompt());
				answer(e, p, sim, pin);
			} else {
				return e.outcome();
			}
		}
		throw new AssertionError("the run did not end");
	}

	private static void pushFullAndroid() throws Exception {
		Simulator sim = Mobilesim.newSimulator(Mobilesim.SituationNew, Mobile.PlatformAndroid);
		List<String> log = new ArrayList<>();
		int[] calls = {0};
		Backend bridge = request -> {
			calls[0]++;
			return sim.call(request);
		};
		Config cfg = new Config();
		cfg.setFlow(Mobile.FlowFull);
		cfg.setLogger((Logger) (level, message, attrs) -> log.add(level + " " + message + " " + attrs));
		Engine e = cfg.start();
		List<String> prompts = new ArrayList<>();
		Outcome out = push(e, bridge, sim, "4321", prompts);

		equal(Mobile.StateEnrolled, out.getState(), "state");
		check(out.getOK(), "ok");
		check(out.getError() == null, "no error");
		check(sim.deviceActivated(), "device activated");
		equal(List.of("phone_number", "certification_code", "enrollment_code", "new_pin"), prompts, "prompts");
		equal(9, calls[0], "calls through the Java bridge: steps 1, 2, 3, 4a, 4.2, 5, 6, 7, 8");
		check(!log.isEmpty(), "log records");
		for (String line : log) {
			check(!line.contains("4321"), "no PIN in the log: " + line);
			check(!line.contains(sim.lastCode(Mobilesim.KindEnrollment)), "no code in the log: " + line);
		}
	}

	private static void pullShortcutIOS() throws Exception {
		Simulator sim = Mobilesim.newSimulator(Mobilesim.SituationNew, Mobile.PlatformIOS);
		Config cfg = new Config();
		cfg.setPlatform(Mobile.PlatformIOS);
		Engine e = cfg.start();
		equal(Mobile.FlowShortcut, e.settings().getFlow(), "auto with SDK 2.1.0");
		List<String> prompts = new ArrayList<>();
		Outcome out = pull(e, sim, "4321", prompts);
		equal(Mobile.StateEnrolled, out.getState(), "state");
		equal(List.of("phone_number", "certification_code", "new_pin"), prompts, "prompts");
		check(sim.deviceActivated(), "device activated");
	}

	private static void snapshotRestore() throws Exception {
		Simulator sim = Mobilesim.newSimulator(Mobilesim.SituationHasPhone, Mobile.PlatformAndroid);
		Config cfg = new Config();
		cfg.setFlow(Mobile.FlowFull);
		Engine e = cfg.start();
		Pending p = e.advance(sim);
		answer(e, p, sim, "1357"); // the enrollment code
		p = e.advance(sim);
		equal(Mobile.PromptNewPIN, p.getPrompt(), "prompt");
		byte[] snapshot = e.snapshot();
		String text = new String(snapshot, java.nio.charset.StandardCharsets.UTF_8);
		check(!text.contains(sim.lastCode(Mobilesim.KindEnrollment)), "no code in the snapshot");

		Engine restored = new Config().restore(snapshot);
		equal("awaiting_new_pin", restored.state(), "restored state");
		Outcome out = push(restored, sim, sim, "1357", new ArrayList<>());
		equal(Mobile.StateEnrolled, out.getState(), "state");
	}

	private static void refusedAnswer() throws Exception {
		Simulator sim = Mobilesim.newSimulator(Mobilesim.SituationNew, Mobile.PlatformAndroid);
		Engine e = new Config().start();
		Pending p = e.advance(sim);
		equal(Mobile.PromptPhoneNumber, p.getPrompt(), "prompt");
		try {
			e.answer(p.getPrompt(), "12");
			throw new AssertionError("a two-digit phone number was taken");
		} catch (Exception ex) {
			EngineError err = Mobile.parseError(ex.getMessage());
			check(err != null, "parseable: " + ex.getMessage());
			equal(Mobile.ErrorInvalidInput, err.getKind(), "kind");
			equal("phone number", err.getField(), "field");
		}
		EngineError reason = e.next().getReason();
		check(reason != null, "the refusal is the prompt's reason");
		equal(Mobile.ErrorInvalidInput, reason.getKind(), "reason kind");
		check(Mobile.parseError("a message of someone else") == null, "foreign message");
	}

	private static void fatalCode() throws Exception {
		Simulator sim = Mobilesim.newSimulator(Mobilesim.SituationNew, Mobile.PlatformAndroid);
		sim.injectNext(2312);
		Engine e = new Config().start();
		Pending p = e.advance(sim);
		equal(Mobile.PendingNone, p.getKind(), "kind");
		Outcome out = e.outcome();
		equal(Mobile.StateFailed, out.getState(), "state");
		equal("pims:2312", out.getFailure(), "failure");
		EngineError err = out.getError();
		equal(Mobile.ErrorRunFailed, err.getKind(), "kind");
		equal(2312, err.getCode(), "code");
		equal(Mobile.ClassFatal, err.getCodeClass(), "class");
		equal("1", err.getStep(), "step");
	}

	private static void bridgeThrows() throws Exception {
		Simulator sim = Mobilesim.newSimulator(Mobilesim.SituationEnrolled, Mobile.PlatformAndroid);
		boolean[] thrown = {false};
		Backend flaky = request -> {
			if (!thrown[0]) {
				thrown[0] = true;
				throw new IllegalStateException("SDK not ready");
			}
			return sim.call(request);
		};
		Engine e = new Config().start();
		Pending p = e.advance(flaky);
		equal(Mobile.PromptRetry, p.getPrompt(), "prompt");
		EngineError reason = p.getReason();
		equal(Mobile.ErrorBridge, reason.getKind(), "reason kind");
		check(reason.getMessage().contains("SDK not ready"), "the Java message: " + reason.getMessage());
		e.act(p.getPrompt(), Mobile.ActionRetry);
		equal(Mobile.PendingNone, e.advance(flaky).getKind(), "ended");
		equal(Mobile.StateEnrolled, e.outcome().getState(), "state");
	}

	private static void cancelDuringAdvance() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Backend stuck = request -> {
			entered.countDown();
			release.await(10, TimeUnit.SECONDS);
			throw new IllegalStateException("released");
		};
		Engine e = new Config().start();
		AtomicReference<Object> result = new AtomicReference<>();
		Thread worker = new Thread(() -> {
			try {
				result.set(e.advance(stuck));
			} catch (Exception ex) {
				result.set(ex);
			}
		});
		worker.start();
		check(entered.await(5, TimeUnit.SECONDS), "the bridge was called");
		equal(Mobile.PendingCall, e.next().getKind(), "next answers during the call");
		e.cancel();
		equal(Mobile.StateCancelled, e.state(), "the state once cancel has returned");
		worker.join(5000);
		check(!worker.isAlive(), "advance returned after cancel");
		check(result.get() instanceof Pending, "advance returned " + result.get());
		equal(Mobile.StateCancelled, e.outcome().getState(), "state");
		release.countDown();
	}
}
