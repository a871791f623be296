{{/*
Environment a service receives beyond the ConfigMap: the secrets its wiring needs, each by
reference, and the device-polling address for the token service. Takes
(dict "root" $ "component" "token").
*/}}
{{- define "grantline.secretEnv" -}}
{{- $root := .root -}}
{{- $values := $root.Values -}}
{{- $wiring := include "grantline.wiringOf" . | fromYaml -}}
{{- $keys := include "grantline.keysSecretName" $root -}}
{{- $connections := include "grantline.connectionsSecretName" $root -}}
{{- if $wiring.signingKeys }}
- name: GRANTLINE_SIGNING_KEYS
  valueFrom:
    secretKeyRef: { name: {{ $keys }}, key: {{ $values.secrets.signingKeysKey }} }
# Every service that signs or checks tokens derives the same pairwise subjects (ID tokens, UserInfo,
# id_token_hint, client checks). Optional: a Secret without it leaves pairwise subjects unoffered.
- name: GRANTLINE_PAIRWISE_SALT
  valueFrom:
    secretKeyRef: { name: {{ $keys }}, key: {{ $values.secrets.pairwiseSaltKey }}, optional: true }
{{- end }}
{{- if $wiring.adminToken }}
- name: GRANTLINE_ADMIN_TOKEN
  valueFrom:
    secretKeyRef: { name: {{ $keys }}, key: {{ $values.secrets.adminTokenKey }} }
{{- end }}
{{- if $wiring.redis }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ default $connections $values.redis.existingSecret }}
      key: {{ ternary $values.redis.urlKey "redis-url" (not (empty $values.redis.existingSecret)) }}
{{- end }}
{{- if $wiring.mongodb }}
- name: MONGODB_URL
  valueFrom:
    secretKeyRef:
      name: {{ default $connections $values.mongodb.existingSecret }}
      key: {{ ternary $values.mongodb.urlKey "mongodb-url" (not (empty $values.mongodb.existingSecret)) }}
{{- end }}
{{- if $wiring.kafka }}
{{- include "grantline.kafkaSaslEnv" $root }}
{{- end }}
{{- if has "device-polling" $wiring.calls }}
# Token replicas relay device-code polls to the device-polling Service (decision 0015).
- name: GRANTLINE_DEVICE_POLLING_URL
  value: {{ printf "http://%s:%v" (include "grantline.componentName" (dict "root" $root "component" "device-polling")) $values.listen.port | quote }}
{{- end }}
{{- end -}}

{{- define "grantline.kafkaSaslEnv" -}}
{{- $sasl := .Values.kafka.sasl -}}
{{- if $sasl.enabled }}
{{- if not $sasl.existingSecret }}
{{- fail "kafka.sasl.enabled needs kafka.sasl.existingSecret (a Secret with the username and password)" }}
{{- end }}
- name: GRANTLINE_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ $sasl.existingSecret }}, key: {{ $sasl.usernameKey }} }
- name: GRANTLINE_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $sasl.existingSecret }}, key: {{ $sasl.passwordKey }} }
{{- end }}
{{- end -}}

{{/* CA certificates of the dependencies a pod uses, as (volumes, mounts) YAML lists. Takes (dict "root" $ "wiring" {...}). */}}
{{- define "grantline.caVolumes" -}}
{{- $root := .root -}}
{{- $wiring := .wiring -}}
{{- $volumes := list -}}
{{- $mounts := list -}}
{{- range $dependency := list "kafka" "redis" "mongodb" -}}
{{- $ca := (index $root.Values $dependency).tls.caSecret -}}
{{- if and (index $wiring $dependency) $ca.name -}}
{{- $volumes = append $volumes (dict "name" (printf "%s-ca" $dependency) "secret" (dict "secretName" $ca.name "items" (list (dict "key" $ca.key "path" "ca.crt")))) -}}
{{- $mounts = append $mounts (dict "name" (printf "%s-ca" $dependency) "mountPath" (printf "/etc/grantline/tls/%s" $dependency) "readOnly" true) -}}
{{- end -}}
{{- end -}}
{{- dict "volumes" $volumes "mounts" $mounts | toYaml -}}
{{- end -}}
