// Command device runs one RFC 8628 device flow against Grantline with golang.org/x/oauth2, as a
// device on a fixed timer would, and prints one JSON line per event: the user code to approve,
// every token-endpoint answer, and the outcome. The test that starts it approves the device.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// line prints one event for the test to read; stdout is line-buffered by the reader.
func line(event map[string]any) {
	encoded, _ := json.Marshal(event)
	fmt.Println(string(encoded))
}

// answerLogger records each token-endpoint answer's error code (or success) with the time its
// request was sent, so the test can count slow_down from the client's own view.
type answerLogger struct{ next http.RoundTripper }

func (logger answerLogger) RoundTrip(request *http.Request) (*http.Response, error) {
	sentAt := time.Now()
	response, err := logger.next.RoundTrip(request)
	if err != nil || !strings.HasSuffix(request.URL.Path, "/token") {
		return response, err
	}
	body, readErr := io.ReadAll(response.Body)
	response.Body.Close()
	if readErr != nil {
		return nil, readErr
	}
	response.Body = io.NopCloser(bytes.NewReader(body))
	var answer struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &answer)
	if answer.Error == "" {
		answer.Error = "tokens"
	}
	line(map[string]any{"event": "poll", "status": response.StatusCode, "answer": answer.Error, "sent_ms": sentAt.UnixMilli()})
	return response, nil
}

func main() {
	issuer := strings.TrimSuffix(os.Getenv("GRANTLINE_URL"), "/")
	config := oauth2.Config{
		ClientID: os.Getenv("GRANTLINE_CLIENT_ID"),
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: issuer + "/oauth/device/code",
			TokenURL:      issuer + "/oauth/token",
			AuthStyle:     oauth2.AuthStyleInParams,
		},
		Scopes: []string{"read"},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	client := &http.Client{Transport: answerLogger{next: http.DefaultTransport}, Timeout: 10 * time.Second}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, client)

	device, err := config.DeviceAuth(ctx)
	if err != nil {
		line(map[string]any{"event": "failed", "error": err.Error()})
		os.Exit(1)
	}
	line(map[string]any{"event": "device", "user_code": device.UserCode, "interval": device.Interval})
	token, err := config.DeviceAccessToken(ctx, device)
	if err != nil {
		line(map[string]any{"event": "failed", "error": err.Error()})
		os.Exit(1)
	}
	line(map[string]any{"event": "token", "token_type": token.TokenType, "has_access_token": token.AccessToken != ""})
}
