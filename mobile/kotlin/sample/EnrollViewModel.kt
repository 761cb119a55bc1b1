package com.example.enroll

import com.enrollfsm.enroll.Action
import com.enrollfsm.enroll.AnswerResult
import com.enrollfsm.enroll.CodeClass
import com.enrollfsm.enroll.EnrollConfig
import com.enrollfsm.enroll.Enrollment
import com.enrollfsm.enroll.ErrorKind
import com.enrollfsm.enroll.Failure
import com.enrollfsm.enroll.Outcome
import com.enrollfsm.enroll.Pending
import com.enrollfsm.enroll.PimsBridge
import com.enrollfsm.enroll.Prompt
import com.enrollfsm.enroll.Reason
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** What the enrollment screen shows. */
public sealed interface UiState {
    /** The library is loading, or a call is being made: a spinner. */
    public data object Working : UiState

    /** A question: a field for [prompt] (masked if [secret]), [error] under it, a button per action. */
    public data class Asking(
        val prompt: Prompt,
        val secret: Boolean,
        val error: String?,
        val sentTo: String?,
        val actions: Set<Action>,
    ) : UiState

    public data class Finished(val enrolled: Boolean, val message: String) : UiState
}

/**
 * The enrollment screen's state holder, shaped as an Android ViewModel: [scope] is its
 * viewModelScope (Dispatchers.Main), [io] where the native library loads (Dispatchers.IO).
 */
public class EnrollViewModel(
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val bridge: PimsBridge,
) {
    private val state = MutableStateFlow<UiState>(UiState.Working)
    public val uiState: StateFlow<UiState> = state.asStateFlow()
    private var enrollment: Enrollment? = null

    public fun start(config: EnrollConfig): Job = scope.launch {
        withContext(io) { Enrollment.preload() } // never on the main thread
        val e = Enrollment.start(bridge, config)
        enrollment = e
        launch { e.pending.collect { state.value = it.toUi() } }
        e.advance()
    }

    /** The user typed [value] into the field. */
    public fun submit(value: String): Unit = answer { e, prompt -> e.answer(prompt, value) }

    /** The user tapped an action's button. */
    public fun act(action: Action): Unit = answer { e, prompt -> e.act(prompt, action) }

    private fun answer(give: (Enrollment, Prompt) -> AnswerResult) {
        val e = enrollment ?: return
        val ask = e.pending.value as? Pending.Ask ?: return
        // A refusal needs nothing more: the prompt is asked again with its reason.
        if (give(e, ask.prompt) == AnswerResult.Accepted) scope.launch { e.advance() }
    }

    /** onCleared: the run is left as it is, resumable from its snapshot. */
    public fun snapshot(): ByteArray? = enrollment?.snapshot()
}

private fun Pending.toUi(): UiState = when (this) {
    is Pending.Call -> UiState.Working
    is Pending.Ask -> UiState.Asking(prompt, prompt.isSecret, reason?.let { explain(it, attemptsLeft) }, sentTo, actions)
    is Pending.Ended -> UiState.Finished(outcome is Outcome.Enrolled, describe(outcome))
}

private fun explain(reason: Reason, attemptsLeft: Int?): String {
    val left = attemptsLeft?.let { " $it attempts left." } ?: ""
    return when {
        reason.kind == ErrorKind.INVALID_INPUT -> "Check the ${reason.field}."
        reason.kind == ErrorKind.ASKED_AGAIN -> "Please enter it again."
        reason.kind == ErrorKind.CODE_EXPIRED -> "That code has expired: ask for a new one."
        reason.kind == ErrorKind.CODE_LOCKED -> "Too many wrong codes: ask for a new one."
        reason.pims?.codeClass == CodeClass.REJECTED -> "That was not right.$left"
        reason.pims?.codeClass == CodeClass.BLOCKED -> "This account is blocked: remove its other enrollments?"
        reason.kind == ErrorKind.BRIDGE -> "No connection. Try again."
        else -> reason.message
    }
}

private fun describe(outcome: Outcome): String = when (outcome) {
    is Outcome.Enrolled -> "This phone is enrolled."
    is Outcome.Done -> "Done."
    is Outcome.Cancelled -> "Enrollment cancelled."
    is Outcome.Failed -> when (outcome.failure) {
        Failure.TOO_MANY_ATTEMPTS -> "Too many attempts."
        Failure.ACCOUNT_LOCKED -> "This account is locked: call support."
        Failure.PIMS -> "The server refused (${outcome.code}): call support."
        else -> "Enrollment failed: ${outcome.failure.wire}."
    }
}
