// The shortcut flow as an XState v5 machine. Generated from its table by
// `enroll export -format xstate-js -flow shortcut` (go generate ./...): do not edit.
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
    awaitVerification: assign((_, params) => ({ verifiedCall: params.call })),
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
    keepReason: () => {},
    keepTrustedPhone: () => {},
    recordFailure: () => {},
    retryRead: () => {},
    spendRemoval: () => {},
    spendResend: () => {},
    spendResendIfMade: () => {},
    startCode: () => {},
  },
}).createMachine({
  "id": "shortcut",
  "description": "enroll with step 4·1 (enrollWithPhoneNumber) when no phone is registered",
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
          "target": "enrolled"
        },
        "device_not_activated": {
          "target": "checking_account"
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
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
        }
      }
    },
    "checking_account": {
      "description": "Call 2 (check account status): get pims.authentication.account.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "2",
            "name": "check account status",
            "op": "get",
            "api": "pims.authentication.account"
          }
        }
      ],
      "on": {
        "account_not_blocked": {
          "target": "checking_phone"
        },
        "read_retried": {
          "target": "checking_account",
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
                "call": "checking_account",
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
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
        }
      }
    },
    "confirming_removal": {
      "description": "Asks for confirm_removal; actions: cancel, yes, no.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "confirm_removal",
            "actions": [
              "cancel",
              "yes",
              "no"
            ]
          }
        }
      ],
      "on": {
        "removal_confirmed": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
        },
        "removal_declined": {
          "target": "cancelled"
        },
        "cancel_requested": {
          "target": "cancelled"
        }
      }
    },
    "removing_enrollments": {
      "description": "Call A (remove all enrollments): set pims.authentication.enrollment.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "A",
            "name": "remove all enrollments",
            "op": "set",
            "api": "pims.authentication.enrollment"
          }
        }
      ],
      "on": {
        "enrollments_removed": {
          "target": "checking_phone"
        },
        "call_interrupted": {
          "target": "interrupted",
          "actions": [
            {
              "type": "keepInterruption",
              "params": {
                "call": "removing_enrollments",
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
          "target": "requesting_enrollment_sms",
          "actions": [
            {
              "type": "keepTrustedPhone"
            }
          ],
          "description": "trusted phone read"
        },
        "phone_absent": {
          "target": "awaiting_phone_number",
          "actions": [
            {
              "type": "keepTrustedPhone"
            }
          ],
          "description": "trusted phone read"
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
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
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
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
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
          "target": "awaiting_shortcut_pin"
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
    "awaiting_shortcut_pin": {
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
          "target": "enrolling_with_phone_number"
        },
        "cancel_requested": {
          "target": "cancelled"
        },
        "answer_lost": {
          "target": "awaiting_certification_code",
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
    "enrolling_with_phone_number": {
      "description": "Call 4.1 (enroll with phone number): set pims.authentication.enrollment.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "4.1",
            "name": "enroll with phone number",
            "op": "set",
            "api": "pims.authentication.enrollment"
          }
        }
      ],
      "on": {
        "device_enrolled": {
          "target": "enrolled"
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
                "call": "enrolling_with_phone_number",
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
                "prompt": "certification_code"
              }
            }
          ],
          "description": "a last refused answer counted"
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
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
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
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
          "target": "checking_pin"
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
    "checking_pin": {
      "description": "Call 6 (check PIN code): set pims.authentication.smscode.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "6",
            "name": "check PIN code",
            "op": "set",
            "api": "pims.authentication.smscode"
          }
        }
      ],
      "on": {
        "pin_exists": {
          "target": "awaiting_pin"
        },
        "pin_missing": {
          "target": "awaiting_new_pin"
        },
        "input_rejected": {
          "target": "awaiting_enrollment_code",
          "actions": [
            {
              "type": "countWrongAnswer",
              "params": {
                "prompt": "enrollment_code"
              }
            }
          ],
          "description": "wrong enrollment codes +1"
        },
        "call_interrupted": {
          "target": "interrupted",
          "actions": [
            {
              "type": "keepInterruption",
              "params": {
                "call": "checking_pin",
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
                "prompt": "enrollment_code"
              }
            }
          ],
          "description": "a last refused answer counted"
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
        }
      }
    },
    "awaiting_pin": {
      "description": "Asks for pin; actions: cancel, forgot_pin.",
      "entry": [
        {
          "type": "ask",
          "params": {
            "prompt": "pin",
            "actions": [
              "cancel",
              "forgot_pin"
            ]
          }
        }
      ],
      "on": {
        "pin_given": {
          "target": "enrolling_device"
        },
        "pin_forgotten": {
          "target": "awaiting_reset_pin"
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
          "target": "registering_pin"
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
    "registering_pin": {
      "description": "Call 7 (register new PIN): set pims.authentication.enrollment.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "7",
            "name": "register new PIN",
            "op": "set",
            "api": "pims.authentication.enrollment"
          }
        }
      ],
      "on": {
        "pin_registered": {
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
                "call": "registering_pin",
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
                "prompt": "new_pin"
              }
            }
          ],
          "description": "a last refused answer counted"
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
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
          "target": "enrolled"
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
        "device_maybe_enrolled": {
          "target": "verifying_enrollment",
          "actions": [
            {
              "type": "awaitVerification",
              "params": {
                "call": "enrolling_device"
              }
            }
          ],
          "description": "call kept until call 1 checks"
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
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
        }
      }
    },
    "awaiting_reset_pin": {
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
          "target": "awaiting_reset_pin",
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
        },
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            }
          ],
          "description": "removals +1"
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
        "retry_checking_account": {
          "target": "checking_account",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "checking_account"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "retry_removing_enrollments": {
          "target": "removing_enrollments",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "removing_enrollments"
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
        "retry_enrolling_with_phone_number": {
          "target": "enrolling_with_phone_number",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "enrolling_with_phone_number"
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
        "retry_checking_pin": {
          "target": "checking_pin",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "checking_pin"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "retry_registering_pin": {
          "target": "registering_pin",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "registering_pin"
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
                "enrolling_with_phone_number",
                "registering_pin",
                "enrolling_device"
              ]
            }
          }
        },
        "answers_lost_enrolling_with_phone_number": {
          "target": "awaiting_certification_code",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "enrolling_with_phone_number",
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
        "answers_lost_checking_pin": {
          "target": "awaiting_enrollment_code",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "checking_pin",
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
        "answers_lost_registering_pin": {
          "target": "awaiting_new_pin",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "registering_pin",
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
        "answers_lost_resetting_pin": {
          "target": "awaiting_reset_pin",
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
          "target": "enrolled",
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
        "removal_required": {
          "target": "confirming_removal",
          "actions": [
            {
              "type": "keepReason"
            },
            {
              "type": "forgetInterruption"
            }
          ],
          "description": "reason kept"
        },
        "removal_authorised": {
          "target": "removing_enrollments",
          "actions": [
            {
              "type": "spendRemoval"
            },
            {
              "type": "forgetInterruption"
            }
          ],
          "description": "removals +1"
        },
        "resume_enrolling_with_phone_number": {
          "target": "enrolling_with_phone_number",
          "guard": {
            "type": "verifiedCallIs",
            "params": {
              "call": "enrolling_with_phone_number"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
        },
        "resume_registering_pin": {
          "target": "registering_pin",
          "guard": {
            "type": "verifiedCallIs",
            "params": {
              "call": "registering_pin"
            }
          },
          "actions": [
            {
              "type": "forgetInterruption"
            }
          ]
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
        "answers_lost_enrolling_with_phone_number": {
          "target": "awaiting_certification_code",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "enrolling_with_phone_number",
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
        },
        "answers_lost_registering_pin": {
          "target": "awaiting_new_pin",
          "guard": {
            "type": "restoredAnswersLost",
            "params": {
              "call": "registering_pin",
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
    "enrolled": {
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
