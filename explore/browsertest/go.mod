module github.com/enrollfsm/enrollfsm/explore/browsertest

go 1.25

require (
	github.com/chromedp/chromedp v0.23.0
	github.com/enrollfsm/enrollfsm v0.0.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/looplab/fsm v1.0.3 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	pgregory.net/rapid v1.3.0 // indirect
)

replace github.com/enrollfsm/enrollfsm => ../..
