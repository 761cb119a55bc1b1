// The remove_enrollments flow as an XState v5 machine. Generated from its table by
// `enroll export -format xstate-js -flow remove_enrollments` (go generate ./...): do not edit.
// docs/export.md: importing it into Stately Studio or VS Code, and what the
// guards and actions mean.
import { assign, setup } from 'xstate';

export const machine = setup({
  guards: {
    interruptedCallIs: ({ context }, params) => context.interruptedCall === params.call,
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
  },
}).createMachine({
  "id": "remove_enrollments",
  "description": "step A: remove every enrollment of the account",
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
          "target": "removing_enrollments"
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
          "target": "done"
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
