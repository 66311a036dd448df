module example.com/demo

go 1.21

require (
	github.com/gin-gonic/gin v1.5.0
	golang.org/x/net v0.0.0-20191109021931-daa7c04131f5 // indirect
	golang.org/x/text v0.3.5
)
