// Command kubecheck decodes every document of a YAML stream (the output of `helm template`)
// strictly into the Kubernetes API types of client-go: an unknown field, a duplicate field, a
// value of the wrong type, an unknown kind or an invalid name fails the check.
//
// Usage: kubecheck [-json OUT] [FILE...]   (standard input when no file is given)
//
// It prints one line per failing document, naming its kind and name, and exits 1 when any
// fails, 2 when the input cannot be read. With -json it also writes every non-empty
// document, as JSON, into one array in OUT: the input of the OPA policies.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	flags := flag.NewFlagSet("kubecheck", flag.ExitOnError)
	jsonOut := flags.String("json", "", "also write the documents as one JSON array to this file")
	_ = flags.Parse(os.Args[1:])
	code := run(flags.Args(), os.Stdin, os.Stdout, os.Stderr, *jsonOut)
	os.Exit(code)
}

func run(paths []string, stdin io.Reader, stdout, stderr io.Writer, jsonOut string) int {
	inputs := map[string]io.Reader{"-": stdin}
	order := []string{"-"}
	if len(paths) > 0 {
		inputs, order = map[string]io.Reader{}, paths
		for _, path := range paths {
			file, err := os.Open(path)
			if err != nil {
				fmt.Fprintln(stderr, "kubecheck:", err)
				return 2
			}
			defer file.Close()
			inputs[path] = file
		}
	}
	checked, failed := 0, 0
	objects := []json.RawMessage{}
	for _, name := range order {
		documents, err := SplitDocuments(inputs[name])
		if err != nil {
			fmt.Fprintf(stderr, "kubecheck: %s: %v\n", name, err)
			return 2
		}
		for _, document := range documents {
			failure := Check(document)
			if object, ok := AsJSON(document); ok {
				objects = append(objects, object)
			}
			if failure == nil {
				checked++
				continue
			}
			failed++
			fmt.Fprintf(stdout, "%s: %s\n", name, failure)
		}
	}
	if jsonOut != "" {
		if err := writeJSON(jsonOut, objects); err != nil {
			fmt.Fprintln(stderr, "kubecheck:", err)
			return 2
		}
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "kubecheck: %d of %d documents are not valid Kubernetes objects\n", failed, checked+failed)
		return 1
	}
	fmt.Fprintf(stderr, "kubecheck: %d documents decoded strictly\n", checked)
	return 0
}

func writeJSON(path string, objects []json.RawMessage) error {
	encoded, err := json.Marshal(objects)
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(encoded, '\n'), 0o644)
}
