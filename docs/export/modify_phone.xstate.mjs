// The modify_phone flow as an XState v5 machine. Generated from its table by
// `enroll export -format xstate-js -flow modify_phone` (go generate ./...): do not edit.
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
    forgetCode: () => {},
    keepTrustedPhone: () => {},
    recordFailure: () => {},
    retryRead: () => {},
    spendResend: () => {},
    spendResendIfMade: () => {},
    startCode: () => {},
  },
}).createMachine({
  "id": "modify_phone",
  "description": "step D: certify and register a new phone number",
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
          "target": "checking_phone"
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
    "checking_phone": {
      "description": "Call 3 (check phone number): get pims.authentication.trustedphonenumber.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "3",
            "name": "check phone number",
            "op": "get",
            "api": "pims.authentication.trustedphonenumber"
          }
        }
      ],
      "on": {
        "phone_present": {
          "target": "awaiting_phone_number",
          "actions": [
            {
              "type": "keepTrustedPhone"
            }
          ],
          "description": "trusted phone read"
        },
        "phone_absent": {
          "target": "failed",
          "actions": [
            {
              "type": "recordFailure",
              "params": {
                "failure": "no_phone_number"
              }
            }
          ],
          "description": "the run fails: no_phone_number"
        },
        "read_retried": {
          "target": "checking_phone",
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
                "call": "checking_phone",
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
    "awaiting_phone_number": {
      "description": "Asks for phone_number; actions: cancel.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "phone_number",
            "actions": [
              "cancel"
            ]
          }
        }
      ],
      "on": {
        "phone_number_given": {
          "target": "requesting_certification_sms"
        },
        "cancel_requested": {
          "target": "cancelled"
        }
      }
    },
    "requesting_certification_sms": {
      "description": "Call 4a (request certification SMS): get pims.authentication.smscode.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "4a",
            "name": "request certification SMS",
            "op": "get",
            "api": "pims.authentication.smscode"
          }
        }
      ],
      "on": {
        "certification_sms_sent": {
          "target": "awaiting_certification_code",
          "actions": [
            {
              "type": "startCode",
              "params": {
                "code": "certification code"
              }
            }
          ],
          "description": "certification code sent, valid 10 min"
        },
        "input_rejected": {
          "target": "awaiting_phone_number",
          "actions": [
            {
              "type": "countWrongAnswer",
              "params": {
                "prompt": "phone_number"
              }
            }
          ],
          "description": "phone number asked again"
        },
        "call_interrupted": {
          "target": "interrupted",
          "actions": [
            {
              "type": "keepInterruption",
              "params": {
                "call": "requesting_certification_sms",
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
                "prompt": "phone_number"
              }
            }
          ],
          "description": "a last refused answer counted"
        }
      }
    },
    "awaiting_certification_code": {
      "description": "Asks for certification_code; actions: cancel, resend, change_phone.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "certification_code",
            "actions": [
              "cancel",
              "resend",
              "change_phone"
            ]
          }
        }
      ],
      "on": {
        "certification_code_given": {
          "target": "modifying_phone_number"
        },
        "resend_requested": {
          "target": "requesting_certification_sms",
          "actions": [
            {
              "type": "spendResend"
            }
          ],
          "description": "resends +1"
        },
        "phone_change_requested": {
          "target": "awaiting_phone_number",
          "actions": [
            {
              "type": "spendResend"
            },
            {
              "type": "forgetCode",
              "params": {
                "code": "certification code"
              }
            }
          ],
          "description": "resends +1, certification code forgotten"
        },
        "cancel_requested": {
          "target": "cancelled"
        }
      }
    },
    "modifying_phone_number": {
      "description": "Call D (modify phone number): set pims.authentication.smscode.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "D",
            "name": "modify phone number",
            "op": "set",
            "api": "pims.authentication.smscode"
          }
        }
      ],
      "on": {
        "phone_number_modified": {
          "target": "done"
        },
        "input_rejected": {
          "target": "awaiting_certification_code",
          "actions": [
            {
              "type": "countWrongAnswer",
              "params": {
                "prompt": "certification_code"
              }
            }
          ],
          "description": "wrong certification codes +1"
        },
        "call_interrupted": {
          "target": "interrupted",
          "actions": [
            {
              "type": "keepInterruption",
              "params": {
                "call": "modifying_phone_number",
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
                "prompt": "certification_code"
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
        "retry_checking_phone": {
          "target": "checking_phone",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "checking_phone"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "retry_requesting_certification_sms": {
          "target": "requesting_certification_sms",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "requesting_certification_sms"
            }
          },
          "actions": [
            {
              "type": "spendResendIfMade"
            },
            {
              "type": "forgetInterruption"
            }
          ],
          "description": "resends +1 if the call was made"
        },
        "retry_modifying_phone_number": {
          "target": "modifying_phone_number",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "modifying_phone_number"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "answers_lost_modifying_phone_number": {
          "target": "awaiting_certification_code",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "modifying_phone_number",
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
