package checkdoc

// checkIntro opens docs/check.md: what enroll check explores, what it
// leaves out, and why. It is prose, kept beside the figures the page
// computes.
const checkIntro = "# Every reachable state, checked\n\n" +
	"`go run ./cmd/enroll check` explores, breadth first from `start`, every state each flow can reach over the engine's " +
	"real core, and checks the properties of the [contract](contract.md) (§8) at every state and move. CI runs it. " +
	"A team proves the configuration it ships with `enroll check -limits pins=3,codes=3,resends=5` " +
	"(names: `codes`, `resends`, `pins`, `removals`, `reads`, `backoff`, `ttl`; a name left out keeps the contract's " +
	"value), or from Go with `enrolltest.Check` and `enrolltest.Settings`.\n\n" +
	"## What is explored\n\n" +
	"**Settings.** `full` and `shortcut` on Android plain, with automatic removal, and with prefetch and sealed " +
	"snapshots; on iOS (whose calls 7 and 8 send the code) plain. Each account operation on Android and iOS, plain and " +
	"sealed. `auto` is not explored again: it runs `full` or `shortcut`, and the check proves which for the SDK versions " +
	"2.0.0, 2.0.9, 2.1.0, 2.1.1 and 10.0.0, and that `shortcut` refuses an SDK before 2.1.0.\n\n" +
	"**At each call**, every reply a host can meet: each result the step reads (for call 1 `true`, `false` and the same " +
	"as strings; for call 2 the three documented strings and both booleans; for call 3 a number, a formatted one, " +
	"`null`, `\"\"`, no key and the `trustedPhoneNumber` key; for call 6 both statuses), a success without a result, a " +
	"result that echoes the secrets, every documented code and an unknown one (2999), 2316, a refusal whose label " +
	"quotes the secrets, a bridge error that quotes them, a malformed reply, a call whose context ended before it was " +
	"made, and the host's `Cancel` during the call. With prefetch, the replies to the call sent ahead too.\n\n" +
	"**At each prompt**, a valid value, a malformed one, the old PIN given again as the new one (`update_pin`), an " +
	"answer to another prompt, the host's `Cancel`, and every action — `cancel`, `resend`, `change_phone`, " +
	"`forgot_pin`, `retry`, `yes`, `no` — whether the prompt offers it or not: one it does not offer must be refused " +
	"with the contract's reason, and change nothing.\n\n" +
	"**Time.** At a code's prompt, the clock moved to one second before, exactly at and one second after the code's " +
	"lifetime; reads wait their backoff.\n\n" +
	"**Restores.** At every waiting state the run is saved and restored, with the place the host keeps beside it " +
	"(`WithLatest`): then an older snapshot of the run and another run's must be refused, and in sealed settings a " +
	"snapshot without its seal and one with a counter changed. A restored engine that stays where it was saved must " +
	"hold what the saved one held, its secrets aside; one that goes back to a prompt for a secret it lacks is judged " +
	"move by move like any other.\n\n" +
	"## What is left out, and why\n\n" +
	"- **The values of secrets.** One valid value per prompt, one malformed; a wrong one is the backend's 2308 or 2102. " +
	"The contract never depends on which digits a valid value has, only on whether the backend accepts it and, for a " +
	"new PIN, whether it equals the old one, which is tried.\n" +
	"- **Phone numbers.** One valid and one malformed number typed; the read number in the forms listed above.\n" +
	"- **Every documented code is tried at the first four expansions of each calling state**; later expansions of that " +
	"state try one code per way the contract handles codes (2001 fatal, 2102 and 2308 rejected, 2201 and 2202 " +
	"transient, 2310 and 2317 blocked, 2999 unknown). A code's effect depends on its class and the run's counters, " +
	"and the first expansions prove each code's class at every call. A mistake that treats one non-representative " +
	"code wrongly only at high counters would be missed.\n" +
	"- **2316** is tried at the first expansions, and wherever a path has warned at the same step: a path warns at one " +
	"step at most. Warnings at different steps are independent, and every subset of steps would multiply the states; " +
	"the number of warnings is part of the state, so a warning counted twice is seen.\n" +
	"- **What tells states apart**: the machine state, the counters, which inputs are held, the interruption, the " +
	"outcome, the warnings held, and for each live code whether its lifetime has passed. Left out: secrets' values, the " +
	"run-wide count of calls, the clock within a code's lifetime, and what the engine cannot read again before " +
	"writing it. Two states equal under this key behave the same from then on, so exploring one is enough; that is " +
	"what makes the exploration close.\n" +
	"- **One set of limits per run**: the contract's, or the host's given. Other limits are another check.\n" +
	"- **The clock** only at the three points around each lifetime: the contract's behaviour changes only there.\n\n" +
	"## When it fails\n\n" +
	"The first property broken stops the setting, with the shortest path of inputs to it. That path is written as " +
	"`counterexample-<setting>.json`, a [scenario](contract.md) of the run the contract expects — the requests the " +
	"Oracle predicts, the states it predicts, the end it predicts — so `enroll replay FILE` fails on the broken engine " +
	"and passes once it is fixed: keep it in `testdata/scenarios/` as a regression test. A path a scenario file " +
	"cannot state (a call never made, the host's `Cancel` during a call, a reply to a call sent ahead, an edited " +
	"snapshot) is printed with the reason no file was written; a file is never written empty. A setting that has not " +
	"closed after `-max-states` states fails too: a loop that spends no bounded counter.\n\n"
