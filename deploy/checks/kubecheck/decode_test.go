package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validDeployment = `# Source: grantline/templates/deployments.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: grantline-token
  labels:
    app.kubernetes.io/name: grantline
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: grantline
  template:
    metadata:
      labels:
        app.kubernetes.io/name: grantline
    spec:
      containers:
        - name: token
          image: grantline:dev
`

func checkOne(t *testing.T, document string) *Failure {
	t.Helper()
	documents, err := SplitDocuments(strings.NewReader(document))
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	if len(documents) != 1 {
		t.Fatalf("want one document, got %d", len(documents))
	}
	return Check(documents[0])
}

func TestAcceptsAValidObject(t *testing.T) {
	if failure := checkOne(t, validDeployment); failure != nil {
		t.Fatalf("valid Deployment refused: %s", failure)
	}
}

func TestRefuses(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(string) string
		message string
	}{
		{"an unknown field", func(d string) string {
			return strings.Replace(d, "replicas: 2", "replicas: 2\n  replicaz: 3", 1)
		}, "unknown field"},
		{"a duplicate field", func(d string) string {
			return strings.Replace(d, "replicas: 2", "replicas: 2\n  replicas: 3", 1)
		}, "already set"},
		{"a value of the wrong type", func(d string) string {
			return strings.Replace(d, "replicas: 2", "replicas: two", 1)
		}, "replicas"},
		{"an unknown kind", func(d string) string {
			return strings.Replace(d, "kind: Deployment", "kind: Deploymint", 1)
		}, "no kind"},
		{"an invalid name", func(d string) string {
			return strings.Replace(d, "name: grantline-token", "name: Grantline_Token", 1)
		}, "metadata.name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			failure := checkOne(t, c.edit(validDeployment))
			if failure == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(failure.String(), c.message) {
				t.Fatalf("message %q lacks %q", failure, c.message)
			}
			if !strings.Contains(failure.String(), "grantline/templates/deployments.yaml") {
				t.Fatalf("message %q does not name the template", failure)
			}
		})
	}
}

func TestRunReportsKindAndNameAndExitsNonZero(t *testing.T) {
	stream := validDeployment + "---\n" + strings.Replace(validDeployment, "image: grantline:dev", "image: grantline:dev\n          privileged: true", 1)
	var stdout, stderr bytes.Buffer
	code := run(nil, strings.NewReader(stream), &stdout, &stderr, "")
	if code != 1 {
		t.Fatalf("exit code %d, want 1; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Deployment/grantline-token") || !strings.Contains(stdout.String(), "document 2") {
		t.Fatalf("output does not name the failing document: %s", stdout.String())
	}
}

func TestRunSkipsEmptyDocuments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "objects.json")
	code := run(nil, strings.NewReader("---\n# only a comment\n---\n"+validDeployment), &stdout, &stderr, out)
	if code != 0 {
		t.Fatalf("exit code %d; output: %s%s", code, stdout.String(), stderr.String())
	}
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var objects []map[string]any
	if err := json.Unmarshal(written, &objects); err != nil {
		t.Fatalf("-json output is not a JSON array: %v", err)
	}
	if len(objects) != 1 || objects[0]["kind"] != "Deployment" {
		t.Fatalf("want the one Deployment, got %v", objects)
	}
}
