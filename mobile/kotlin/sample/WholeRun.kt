package com.example.enroll.whole

import com.enrollfsm.enroll.Action
import com.enrollfsm.enroll.EnrollConfig
import com.enrollfsm.enroll.Enrollment
import com.enrollfsm.enroll.EnrollmentFlow
import com.enrollfsm.enroll.Outcome
import com.enrollfsm.enroll.PimsBridge
import com.enrollfsm.enroll.Prompt
import com.enrollfsm.enroll.enroll
import com.enrollfsm.enroll.operate
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

public suspend fun enrollOnce(bridge: PimsBridge, typed: suspend (Prompt) -> String): Boolean {
    val outcome = enroll(bridge, EnrollConfig(flow = EnrollmentFlow.AUTO)) { ask ->
        when (ask.prompt) {
            Prompt.CONFIRM_REMOVAL -> ask.act(Action.NO)
            Prompt.RETRY -> ask.act(Action.RETRY)
            else -> ask.answer(typed(ask.prompt))
        }
    }
    return outcome is Outcome.Enrolled
}

public suspend fun changePIN(bridge: PimsBridge, typed: suspend (Prompt) -> String): Outcome =
    operate(bridge, EnrollConfig(flow = EnrollmentFlow.UPDATE_PIN)) { ask -> ask.answer(typed(ask.prompt)) }

/** Every move of the run, for analytics: those made so far first, then each as it comes. */
public fun logTransitions(enrollment: Enrollment, scope: CoroutineScope, log: (String) -> Unit): Job =
    scope.launch {
        enrollment.transitions.collect { t -> log("${t.from.wire} -${t.event.wire}-> ${t.to.wire}") }
    }
