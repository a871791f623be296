{{/* One egress rule from values of the form { to: [NetworkPolicyPeer], ports: [...] }; an empty `to` allows any destination on those ports. */}}
{{- define "grantline.egressRule" -}}
{{- $rule := dict "ports" .ports -}}
{{- with .to -}}
{{- $_ := set $rule "to" . -}}
{{- end -}}
{{- list $rule | toYaml -}}
{{- end -}}

{{/* Egress of a pod: DNS, then the dependencies its wiring names. Takes (dict "root" $ "wiring" {...}). */}}
{{- define "grantline.egressRules" -}}
{{- $values := .root.Values -}}
{{ include "grantline.egressRule" $values.networkPolicy.dns }}
{{- range $dependency := list "kafka" "redis" "mongodb" }}
{{- if index $.wiring $dependency }}
{{ include "grantline.egressRule" (index $values $dependency).egress }}
{{- end }}
{{- end }}
{{- if $values.telemetry.otlpEndpoint }}
{{ include "grantline.egressRule" $values.telemetry.egress }}
{{- end }}
{{- range $called := .wiring.calls }}
- to:
    - podSelector:
        matchLabels:
          {{- include "grantline.componentSelectorLabels" (dict "root" $.root "component" $called) | nindent 10 }}
  ports:
    - port: {{ $values.listen.port }}
      protocol: TCP
{{- end }}
{{- end -}}
