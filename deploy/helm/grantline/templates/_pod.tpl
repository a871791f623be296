{{/*
Pod-level fields every Grantline pod shares (Deployments and the topics Job): no service
account token, the restricted security context, image pull secrets, node placement.
*/}}
{{- define "grantline.podCommon" -}}
serviceAccountName: {{ include "grantline.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.scheduling.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.scheduling.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Container fields every Grantline container shares: image and the restricted security context. */}}
{{- define "grantline.containerCommon" -}}
image: {{ include "grantline.image" . | quote }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  {{- toYaml .Values.containerSecurityContext | nindent 2 }}
{{- end -}}

{{/* The root file system is read-only; Node.js and the image write only below /tmp. */}}
{{- define "grantline.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{- define "grantline.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
Replicas of one service kept apart: over nodes (podAntiAffinity) and over zones (topology
spread). Takes (dict "root" $ "component" "token").
*/}}
{{- define "grantline.spreading" -}}
{{- $scheduling := .root.Values.scheduling -}}
{{- $selector := dict "matchLabels" (include "grantline.componentSelectorLabels" . | fromYaml) -}}
{{- $term := dict "labelSelector" $selector "topologyKey" "kubernetes.io/hostname" -}}
{{- if eq $scheduling.podAntiAffinity "hard" }}
affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      {{- list $term | toYaml | nindent 6 }}
{{- else if eq $scheduling.podAntiAffinity "soft" }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          {{- toYaml $term | nindent 10 }}
{{- end }}
{{- if $scheduling.zoneSpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ $scheduling.zoneSpread.maxSkew }}
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: {{ $scheduling.zoneSpread.whenUnsatisfiable }}
    labelSelector:
      {{- toYaml $selector | nindent 6 }}
{{- end }}
{{- end -}}

{{/* Startup, readiness and liveness probes on the service's own HTTP port. */}}
{{- define "grantline.probes" -}}
{{- $probes := .Values.probes -}}
startupProbe:
  httpGet: { path: /healthz, port: http }
  {{- toYaml $probes.startup | nindent 2 }}
readinessProbe:
  httpGet: { path: /readyz, port: http }
  {{- toYaml $probes.readiness | nindent 2 }}
livenessProbe:
  httpGet: { path: /healthz, port: http }
  {{- toYaml $probes.liveness | nindent 2 }}
{{- end -}}
