// The update_pin flow as an XState v5 machine. Generated from its table by
// `enroll export -format xstate-js -flow update_pin` (go generate ./...): do not edit.
// docs/export.md: importing it into Stately Studio or VS Code, and what the
// guards and actions mean.
import { assign, setup } from 'xstate';

export const machine = setup({
  guards: {
    interruptedCallIs: ({ context }, params) => context.interruptedCall === params.call,
    restoredAnswersLost: ({ context }, params) => context.restored && (params.held === 'interrupted' ? context.interruptedCall : context.verifiedCall) === params.call,
    restoredRun: ({ context }, params) => context.restored,
  },
  actions: {
    forgetInterruption: assign({ interruptedCall: null, verifiedCall: null }),
    keepInterruption: assign(({ context }, params) => ({
      interruptedCall: params.call,
      verifiedCall: params.mayHaveEnrolled ? params.call : context.verifiedCall,
    })),
    // What the engine does on entry and on the edges: the host's to provide.
    ask: () => {},
    call: () => {},
    countLastWrongAnswer: () => {},
    countUnsureAnswer: () => {},
    countWrongAnswer: () => {},
    keepReason: () => {},
    recordFailure: () => {},
    retryRead: () => {},
  },
}).createMachine({
  "id": "update_pin",
  "description": "step C: change the PIN, given the current one",
  "initial": "start",
  "context": {
    "interruptedCall": null,
    "verifiedCall": null,
    "restored": false
  },
  "states": {
    "start": {
      "description": "The run has not begun.",
      "on": {
        "begin": {
          "target": "checking_enrollment"
        }
      }
    },
    "checking_enrollment": {
      "description": "Call 1 (check enrollment status): get pims.authentication.account.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "1",
            "name": "check enrollment status",
            "op": "get",
            "api": "pims.authentication.account"
          }
        }
      ],
      "on": {
        "device_activated": {
          "target": "awaiting_old_pin"
        },
        "device_not_activated": {
          "target": "failed",
          "actions": [
            {
              "type": "recordFailure",
              "params": {
                "failure": "not_enrolled"
              }
            }
          ],
          "description": "the run fails: not_enrolled"
        },
        "read_retried": {
          "target": "checking_enrollment",
          "reenter": true,
          "actions": [
            {
              "type": "retryRead"
            }
          ],
          "description": "attempt +1, backoff"
        },
        "call_interrupted": {
          "target": "interrupted",
          "actions": [
            {
              "type": "keepInterruption",
              "params": {
                "call": "checking_enrollment",
                "mayHaveEnrolled": false
              }
            }
          ],
          "description": "call kept for retry"
        },
        "call_failed": {
          "target": "failed",
          "actions": [
            {
              "type": "countLastWrongAnswer"
            }
          ],
          "description": "a last refused answer counted"
        }
      }
    },
    "awaiting_old_pin": {
      "description": "Asks for old_pin; actions: cancel.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "old_pin",
            "actions": [
              "cancel"
            ]
          }
        }
      ],
      "on": {
        "old_pin_given": {
          "target": "awaiting_new_pin"
        },
        "cancel_requested": {
          "target": "cancelled"
        }
      }
    },
    "awaiting_new_pin": {
      "description": "Asks for new_pin; actions: cancel.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "new_pin",
            "actions": [
              "cancel"
            ]
          }
        }
      ],
      "on": {
        "new_pin_given": {
          "target": "updating_pin"
        },
        "cancel_requested": {
          "target": "cancelled"
        },
        "answer_lost": {
          "target": "awaiting_old_pin",
          "guard": {
            "type": "restoredRun"
          },
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        }
      }
    },
    "updating_pin": {
      "description": "Call C (update PIN): set pims.authentication.pincode.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "C",
            "name": "update PIN",
            "op": "set",
            "api": "pims.authentication.pincode"
          }
        }
      ],
      "on": {
        "pin_updated": {
          "target": "done"
        },
        "input_rejected": {
          "target": "awaiting_old_pin",
          "actions": [
            {
              "type": "countWrongAnswer",
              "params": {
                "prompt": "old_pin"
              }
            }
          ],
          "description": "wrong PINs +1"
        },
        "call_interrupted": {
          "target": "interrupted",
          "actions": [
            {
              "type": "keepInterruption",
              "params": {
                "call": "updating_pin",
                "mayHaveEnrolled": false
              }
            }
          ],
          "description": "call kept for retry"
        },
        "call_failed": {
          "target": "failed",
          "actions": [
            {
              "type": "countLastWrongAnswer",
              "params": {
                "prompt": "old_pin"
              }
            }
          ],
          "description": "a last refused answer counted"
        }
      }
    },
    "interrupted": {
      "description": "Asks for retry; actions: cancel, retry. Retry makes the call in context.interruptedCall again, or verifies it first when it may have enrolled.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "retry",
            "actions": [
              "cancel",
              "retry"
            ]
          }
        }
      ],
      "on": {
        "cancel_requested": {
          "target": "cancelled",
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "retry_checking_enrollment": {
          "target": "checking_enrollment",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "checking_enrollment"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "retry_updating_pin": {
          "target": "updating_pin",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "updating_pin"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "answers_lost_updating_pin": {
          "target": "awaiting_old_pin",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "updating_pin",
              "held": "interrupted"
            }
          },
          "actions": [
            {
              "type": "countUnsureAnswer"
            },
            {
              "type": "forgetInterruption"
            }
          ],
          "description": "an answer whose reply never came counted as wrong"
        },
        "attempts_exhausted": {
          "target": "failed",
          "guard": {
            "type": "restoredRun"
          },
          "actions": [
            {
              "type": "countUnsureAnswer"
            },
            {
              "type": "recordFailure",
              "params": {
                "failure": "too_many_attempts"
              }
            },
            {
              "type": "forgetInterruption"
            }
          ],
          "description": "an answer whose reply never came counted as wrong; the run fails: too_many_attempts"
        }
      }
    },
    "done": {
      "type": "final",
      "description": "The run ends: success."
    },
    "failed": {
      "type": "final",
      "description": "The run ends."
    },
    "cancelled": {
      "type": "final",
      "description": "The run ends."
    }
  }
});
