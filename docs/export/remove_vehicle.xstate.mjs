// The remove_vehicle flow as an XState v5 machine. Generated from its table by
// `enroll export -format xstate-js -flow remove_vehicle` (go generate ./...): do not edit.
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
  "id": "remove_vehicle",
  "description": "step E: detach a vehicle (the VIN) from the account",
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
          "target": "removing_vehicle"
        }
      }
    },
    "removing_vehicle": {
      "description": "Call E (remove vehicle association): set pims.subscription.vehicle.",
      "entry": [
        {
          "type": "call",
          "params": {
            "step": "E",
            "name": "remove vehicle association",
            "op": "set",
            "api": "pims.subscription.vehicle"
          }
        }
      ],
      "on": {
        "vehicle_removed": {
          "target": "done"
        },
        "call_interrupted": {
          "target": "interrupted",
          "actions": [
            {
              "type": "keepInterruption",
              "params": {
                "call": "removing_vehicle",
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
        "retry_removing_vehicle": {
          "target": "removing_vehicle",
          "guard": {
            "type": "interruptedCallIs",
            "params": {
              "call": "removing_vehicle"
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
