package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	k8sjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	sigsyaml "sigs.k8s.io/yaml"
)

// Document is one YAML document of a stream, with where it came from.
type Document struct {
	// Index counts documents from 1, empty ones included.
	Index int
	// Source is the template named by Helm's "# Source:" comment, when there is one.
	Source string
	Raw    []byte
}

// Failure says why one document is not a valid Kubernetes object.
type Failure struct {
	Document Document
	Kind     string
	Name     string
	Problems []string
}

func (f Failure) String() string {
	where := fmt.Sprintf("document %d", f.Document.Index)
	if f.Document.Source != "" {
		where += " (" + f.Document.Source + ")"
	}
	kind, name := f.Kind, f.Name
	if kind == "" {
		kind = "?"
	}
	if name == "" {
		name = "?"
	}
	return fmt.Sprintf("%s %s/%s: %s", where, kind, name, strings.Join(f.Problems, "; "))
}

// strictDecoder refuses unknown fields, duplicate fields and values of the wrong type, and
// knows only the kinds registered in client-go's scheme (the built-in API).
var strictDecoder = k8sjson.NewSerializerWithOptions(
	k8sjson.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
	k8sjson.SerializerOptions{Yaml: false, Pretty: false, Strict: true},
)

// SplitDocuments reads a multi-document YAML stream such as `helm template` prints.
func SplitDocuments(stream io.Reader) ([]Document, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(stream))
	var documents []Document
	for index := 1; ; index++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return documents, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", index, err)
		}
		documents = append(documents, Document{Index: index, Source: helmSource(raw), Raw: raw})
	}
}

// Check decodes one document strictly into its API type and checks its metadata. It returns
// nil for a valid object and for a document holding only comments.
func Check(document Document) *Failure {
	failure := Failure{Document: document}
	object, err := sigsyaml.YAMLToJSONStrict(document.Raw)
	if err != nil {
		failure.Problems = []string{"not strict YAML: " + err.Error()}
		return &failure
	}
	if isEmpty(object) {
		return nil
	}
	failure.Kind, failure.Name = peekKindAndName(object)
	decoded, _, err := strictDecoder.Decode(object, nil, nil)
	if err != nil {
		failure.Problems = []string{err.Error()}
		return &failure
	}
	if problems := metadataProblems(decoded); len(problems) > 0 {
		failure.Problems = problems
		return &failure
	}
	return nil
}

// AsJSON is the document as a JSON object, for tools that read JSON; false for an empty
// document or one that is not YAML at all.
func AsJSON(document Document) (json.RawMessage, bool) {
	object, err := sigsyaml.YAMLToJSON(document.Raw)
	if err != nil || isEmpty(object) {
		return nil, false
	}
	return object, true
}

func metadataProblems(object runtime.Object) []string {
	accessor, err := meta.Accessor(object)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	if accessor.GetName() == "" {
		problems = append(problems, "metadata.name is empty")
	}
	for _, message := range validation.IsDNS1123Subdomain(accessor.GetName()) {
		problems = append(problems, "metadata.name: "+message)
	}
	errs := metavalidation.ValidateLabels(accessor.GetLabels(), field.NewPath("metadata", "labels"))
	for _, problem := range errs {
		problems = append(problems, problem.Error())
	}
	return problems
}

func peekKindAndName(object []byte) (string, string) {
	var head struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	// Lenient on purpose: this only names the document in messages.
	_ = sigsyaml.Unmarshal(object, &head)
	return head.Kind, head.Metadata.Name
}

func isEmpty(object []byte) bool {
	trimmed := bytes.TrimSpace(object)
	return len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) || bytes.Equal(trimmed, []byte("{}"))
}

func helmSource(raw []byte) string {
	for _, line := range strings.Split(string(raw), "\n") {
		if source, found := strings.CutPrefix(strings.TrimSpace(line), "# Source: "); found {
			return source
		}
	}
	return ""
}
