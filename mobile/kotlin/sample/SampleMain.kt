// Runs the sample's EnrollViewModel as an app would, against the simulator's binding: a "main"
// thread for the screen, Dispatchers.IO for the library, the SDK's callbacks on a thread of
// their own, and a user who types what the simulated SMS says, a wrong code first. It exits
// non-zero unless the screen showed the refused code with its reason and ended enrolled.
package com.example.enroll

import com.enrollfsm.enroll.CallbackPimsBridge
import com.enrollfsm.enroll.EnrollConfig
import com.enrollfsm.enroll.EnrollmentFlow
import com.enrollfsm.enroll.PimsCallbacks
import com.enrollfsm.enroll.PimsReply
import com.enrollfsm.enroll.Prompt
import com.enrollfsm.mobilesim.Mobilesim
import com.enrollfsm.mobilesim.Simulator
import java.util.concurrent.Executors
import kotlin.system.exitProcess
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout

public fun main() {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationHasPhone, "android")
    val sdk = SimulatedSdk(sim)
    val main = Executors.newSingleThreadExecutor { Thread(it, "main") }
    val viewModelScope = CoroutineScope(SupervisorJob() + main.asCoroutineDispatcher())
    val vm = EnrollViewModel(viewModelScope, Dispatchers.IO, CallbackPimsBridge(sdk))

    var wrongCodeTyped = false
    var refusalShown: UiState.Asking? = null
    val end = runBlocking {
        withTimeout(30_000) {
            withContext(main.asCoroutineDispatcher()) {
                vm.start(EnrollConfig(flow = EnrollmentFlow.FULL))
                // The user: reads each screen and answers it.
                vm.uiState.first { ui ->
                    println("screen: $ui")
                    if (ui is UiState.Asking) {
                        when (ui.prompt) {
                            Prompt.PHONE_NUMBER -> vm.submit("06 12 34 56 78")
                            Prompt.CERTIFICATION_CODE -> vm.submit(sim.lastCode(Mobilesim.KindCertification))
                            Prompt.ENROLLMENT_CODE -> {
                                val code = sim.lastCode(Mobilesim.KindEnrollment)
                                if (!wrongCodeTyped) {
                                    wrongCodeTyped = true
                                    vm.submit(if (code == "000000") "111111" else "000000")
                                } else {
                                    if (ui.error != null) refusalShown = ui
                                    vm.submit(code)
                                }
                            }
                            Prompt.NEW_PIN -> vm.submit("4321")
                            else -> throw AssertionError("the sample asks no ${ui.prompt}")
                        }
                    }
                    ui is UiState.Finished
                }
            }
        }
    }
    viewModelScope.cancel()
    main.shutdown()
    sdk.close()
    val shown = refusalShown
    val ok = shown != null && shown.error == "That was not right. 2 attempts left." &&
        end == UiState.Finished(enrolled = true, message = "This phone is enrolled.") && sim.deviceActivated()
    println("sample: ${if (ok) "the refused code was shown with its reason (\"${shown.error}\"), then enrolled" else "FAILED: refusal $shown, end $end"}")
    exitProcess(if (ok) 0 else 1)
}

/** The SDK's facade over the simulator: each callback comes on the SDK's own thread. */
private class SimulatedSdk(private val sim: Simulator) : PimsCallbacks {
    private val thread = Executors.newSingleThreadExecutor { Thread(it, "sdk") }

    override fun get(api: String, params: Map<String, String>, callback: PimsReply) = call("get", api, params, callback)

    override fun set(api: String, params: Map<String, String>, callback: PimsReply) = call("set", api, params, callback)

    private fun call(op: String, api: String, params: Map<String, String>, callback: PimsReply) {
        val request = "{\"op\":${quote(op)},\"api\":${quote(api)},\"params\":{" +
            params.entries.joinToString(",") { "${quote(it.key)}:${quote(it.value)}" } + "}}"
        thread.execute { callback.reply(parseMessage(String(sim.call(request), Charsets.UTF_8))) }
    }

    fun close() = thread.shutdown()
}
