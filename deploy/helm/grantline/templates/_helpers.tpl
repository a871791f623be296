{{/* Names and labels shared by every template. */}}

{{- define "grantline.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one service's objects: (dict "root" $ "component" "token"). */}}
{{- define "grantline.componentName" -}}
{{- printf "%s-%s" (include "grantline.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "grantline.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "grantline.labels" -}}
{{ include "grantline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one service's pods: (dict "root" $ "component" "token"). */}}
{{- define "grantline.componentSelectorLabels" -}}
{{ include "grantline.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "grantline.componentLabels" -}}
{{ include "grantline.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- if eq (include "grantline.isPublic" .) "true" }}
grantline.dev/exposure: public
{{- end }}
{{- end -}}

{{- define "grantline.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "grantline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "grantline.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding signing keys and the admin token. */}}
{{- define "grantline.keysSecretName" -}}
{{- default (printf "%s-keys" (include "grantline.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* The chart's Secret for connection URLs given as values rather than existing Secrets. */}}
{{- define "grantline.connectionsSecretName" -}}
{{- printf "%s-connections" (include "grantline.fullname" .) -}}
{{- end -}}

{{/* Checksum of the configuration, so pods roll when it changes. */}}
{{- define "grantline.configChecksum" -}}
{{- include (print .Template.BasePath "/configmap.yaml") . | sha256sum -}}
{{- end -}}
