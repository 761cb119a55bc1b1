// The reset_pin flow as an XState v5 machine. Generated from its table by
// `enroll export -format xstate-js -flow reset_pin` (go generate ./...): do not edit.
// docs/export.md: importing it into Stately Studio or VS Code, and what the
// guards and actions mean.
import { assign, setup } from 'xstate';

export const machine = setup({
  guards: {
    interruptedCallIs: ({ context }, params) => context.interruptedCall === params.call,
    interruptedCallMayHaveEnrolled: ({ context }, params) => params.calls.includes(context.interruptedCall),
    restoredAnswersLost: ({ context }, params) => context.restored && (params.held === 'interrupted' ? context.interruptedCall : context.verifiedCall) === params.call,
    restoredRun: ({ context }, params) => context.restored,
    verifiedCallIs: ({ context }, params) => context.verifiedCall === params.call,
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
    spendResend: () => {},
    spendResendIfMade: () => {},
    startCode: () => {},
  },
}).createMachine({
  "id": "reset_pin",
  "description": "step B: set a new PIN proven by an SMS code",
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
          "target": "requesting_enrollment_sms"
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
    "requesting_enrollment_sms": {
      "description": "Call 5 (request enrollment SMS): get pims.authentication.smscode.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "5",
            "name": "request enrollment SMS",
            "op": "get",
            "api": "pims.authentication.smscode"
          }
        }
      ],
      "on": {
        "enrollment_sms_sent": {
          "target": "awaiting_enrollment_code",
          "actions": [
            {
              "type": "startCode",
              "params": {
                "code": "enrollment code"
              }
            }
          ],
          "description": "enrollment code sent, valid 10 min"
        },
        "call_interrupted": {
          "target": "interrupted",
          "actions": [
            {
              "type": "keepInterruption",
              "params": {
                "call": "requesting_enrollment_sms",
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
    "awaiting_enrollment_code": {
      "description": "Asks for enrollment_code; actions: cancel, resend.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "enrollment_code",
            "actions": [
              "cancel",
              "resend"
            ]
          }
        }
      ],
      "on": {
        "enrollment_code_given": {
          "target": "awaiting_new_pin"
        },
        "resend_requested": {
          "target": "requesting_enrollment_sms",
          "actions": [
            {
              "type": "spendResend"
            }
          ],
          "description": "resends +1"
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
          "target": "resetting_pin"
        },
        "cancel_requested": {
          "target": "cancelled"
        },
        "answer_lost": {
          "target": "awaiting_enrollment_code",
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
    "resetting_pin": {
      "description": "Call B (reset PIN): set pims.authentication.pincode.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "B",
            "name": "reset PIN",
            "op": "set",
            "api": "pims.authentication.pincode"
          }
        }
      ],
      "on": {
        "pin_reset": {
          "target": "enrolling_device"
        },
        "input_rejected": {
          "target": "awaiting_new_pin",
          "actions": [
            {
              "type": "countWrongAnswer",
              "params": {
                "prompt": "new_pin"
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
                "call": "resetting_pin",
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
                "prompt": "new_pin"
              }
            }
          ],
          "description": "a last refused answer counted"
        }
      }
    },
    "enrolling_device": {
      "description": "Call 8 (enroll device): set pims.authentication.enrollment.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "8",
            "name": "enroll device",
            "op": "set",
            "api": "pims.authentication.enrollment"
          }
        }
      ],
      "on": {
        "device_enrolled": {
          "target": "done"
        },
        "input_rejected": {
          "target": "awaiting_pin",
          "actions": [
            {
              "type": "countWrongAnswer",
              "params": {
                "prompt": "pin"
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
                "call": "enrolling_device",
                "mayHaveEnrolled": true
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
                "prompt": "pin"
              }
            }
          ],
          "description": "a last refused answer counted"
        }
      }
    },
    "awaiting_pin": {
      "description": "Asks for pin; actions: cancel.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "pin",
            "actions": [
              "cancel"
            ]
          }
        }
      ],
      "on": {
        "pin_given": {
          "target": "enrolling_device"
        },
        "cancel_requested": {
          "target": "cancelled"
        },
        "answer_lost": {
          "target": "awaiting_enrollment_code",
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
    "verifying_enrollment": {
      "description": "Call 1 (verify enrollment): get pims.authentication.account. Then resumes the call in context.verifiedCall if the device is not enrolled.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "1",
            "name": "verify enrollment",
            "op": "get",
            "api": "pims.authentication.account"
          }
        }
      ],
      "on": {
        "device_activated": {
          "target": "done",
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "read_retried": {
          "target": "verifying_enrollment",
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
                "call": "verifying_enrollment",
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
            },
            {
              "type": "forgetInterruption"
            }
          ],
          "description": "a last refused answer counted"
        },
        "resume_enrolling_device": {
          "target": "enrolling_device",
          "guard": {
            "type": "verifiedCallIs",
            "params": {
              "call": "enrolling_device"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "answers_lost_enrolling_device": {
          "target": "awaiting_pin",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "enrolling_device",
              "held": "verified"
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
        "retry_requesting_enrollment_sms": {
          "target": "requesting_enrollment_sms",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "requesting_enrollment_sms"
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
        "retry_resetting_pin": {
          "target": "resetting_pin",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "resetting_pin"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "retry_enrolling_device": {
          "target": "enrolling_device",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "enrolling_device"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "retry_verifying_enrollment": {
          "target": "verifying_enrollment",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "verifying_enrollment"
            }
          }
        },
        "verify_requested": {
          "target": "verifying_enrollment",
          "guard": {
            "type": "interruptedCallMayHaveEnrolled",
            "params": {
              "calls": [
                "enrolling_device"
              ]
            }
          }
        },
        "answers_lost_resetting_pin": {
          "target": "awaiting_new_pin",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "resetting_pin",
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
        "answers_lost_enrolling_device": {
          "target": "awaiting_pin",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "enrolling_device",
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
