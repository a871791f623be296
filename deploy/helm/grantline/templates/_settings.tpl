{{/*
The non-secret settings every service reads (libs/config/src/schema.ts), as a YAML map. The
ConfigMap carries them; the topics Job, which runs before an upgrade's ConfigMap is applied,
takes the Kafka ones directly.
*/}}
{{- define "grantline.kafkaSettings" -}}
KAFKA_BROKERS: {{ .Values.kafka.brokers | quote }}
GRANTLINE_KAFKA_TOPIC_PREFIX: {{ .Values.kafka.topicPrefix | quote }}
GRANTLINE_KAFKA_REPLICATION_FACTOR: {{ .Values.kafka.topics.replicationFactor | quote }}
GRANTLINE_TOKENS_RETENTION: {{ .Values.kafka.topics.tokensRetentionSeconds | int64 | quote }}
{{- if .Values.kafka.tls.enabled }}
GRANTLINE_KAFKA_TLS: "true"
{{- if .Values.kafka.tls.caSecret.name }}
GRANTLINE_KAFKA_TLS_CA_FILE: /etc/grantline/tls/kafka/ca.crt
{{- end }}
{{- end }}
{{- if .Values.kafka.sasl.enabled }}
GRANTLINE_KAFKA_SASL_MECHANISM: {{ .Values.kafka.sasl.mechanism | quote }}
{{- end }}
LOG_LEVEL: {{ .Values.logLevel | quote }}
{{- end -}}

{{- define "grantline.chartSettings" -}}
{{ include "grantline.kafkaSettings" . }}
GRANTLINE_ISSUER: {{ .Values.issuer | quote }}
GRANTLINE_HOST: {{ .Values.listen.host | quote }}
PORT: {{ .Values.listen.port | quote }}
GRANTLINE_TRUST_PROXY: {{ .Values.trustProxy | quote }}
GRANTLINE_CONSUMER_GROUP_PREFIX: {{ .Values.kafka.consumerGroupPrefix | quote }}
GRANTLINE_REDIS_PREFIX: {{ .Values.redis.keyPrefix | quote }}
GRANTLINE_REDIS_EVICTION_CHECK: {{ .Values.redis.evictionCheck | quote }}
{{- if .Values.redis.tls.caSecret.name }}
GRANTLINE_REDIS_TLS_CA_FILE: /etc/grantline/tls/redis/ca.crt
{{- end }}
GRANTLINE_MONGODB_DATABASE: {{ .Values.mongodb.database | quote }}
{{- with .Values.telemetry.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* The chart's settings plus `settings`, which may add keys but not replace the chart's. */}}
{{- define "grantline.settings" -}}
{{- $chart := include "grantline.chartSettings" . | fromYaml -}}
{{- range $name, $value := .Values.settings -}}
{{- if hasKey $chart $name -}}
{{- fail (printf "settings.%s is set by the chart from its own values; change those instead" $name) -}}
{{- end -}}
{{- if regexMatch "(?i)(SECRET|PASSWORD|_TOKEN$|SIGNING_KEYS|_URL$)" $name -}}
{{- fail (printf "settings.%s: secrets and connection URLs do not belong in settings; see secrets, redis, mongodb and kafka.sasl" $name) -}}
{{- end -}}
{{- end -}}
{{- include "grantline.chartSettings" . }}
{{- range $name, $value := .Values.settings }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}
