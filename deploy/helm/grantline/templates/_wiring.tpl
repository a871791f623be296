{{/*
What each service talks to, as libs/runtime and each services/<name>/src/main.ts wire it. It decides the
secrets a service receives and where its NetworkPolicy lets it connect, so a service gets
only what it uses. Introspection never reads the log (a read-only event log), so it has no
Kafka; only the token service calls another service (device-code polls, decision 0015).
*/}}
{{- define "grantline.wiring" -}}
authorize: { kafka: true, redis: true, mongodb: false, signingKeys: true, adminToken: false, calls: [] }
token: { kafka: true, redis: true, mongodb: false, signingKeys: true, adminToken: false, calls: [device-polling] }
introspection: { kafka: false, redis: true, mongodb: false, signingKeys: true, adminToken: false, calls: [] }
device-polling: { kafka: true, redis: true, mongodb: false, signingKeys: true, adminToken: false, calls: [] }
admin: { kafka: true, redis: true, mongodb: true, signingKeys: true, adminToken: true, calls: [] }
projector: { kafka: true, redis: true, mongodb: false, signingKeys: false, adminToken: false, calls: [] }
audit: { kafka: true, redis: false, mongodb: true, signingKeys: false, adminToken: false, calls: [] }
{{- end -}}

{{/* The wiring of one service: (dict "root" $ "component" "token"), as YAML. */}}
{{- define "grantline.wiringOf" -}}
{{- $wiring := include "grantline.wiring" . | fromYaml -}}
{{- if not (hasKey $wiring .component) -}}
{{- fail (printf "services.%s: no such service (known: %s)" .component (keys $wiring | sortAlpha | join ", ")) -}}
{{- end -}}
{{- index $wiring .component | toYaml -}}
{{- end -}}

{{/* The routing table of the public origin, an exact copy of libs/edge/routes.json. */}}
{{- define "grantline.routes" -}}
{{- .Files.Get "files/routes.json" | fromJson | toYaml -}}
{{- end -}}

{{/* The routes the Ingress serves: every route, less /admin/ unless ingress.exposeAdmin. */}}
{{- define "grantline.publicRoutes" -}}
{{- $table := include "grantline.routes" . | fromYaml -}}
{{- $routes := list -}}
{{- range $table.routes -}}
{{- if or (ne .service "admin") $.Values.ingress.exposeAdmin -}}
{{- $routes = append $routes . -}}
{{- end -}}
{{- end -}}
{{- dict "routes" $routes | toYaml -}}
{{- end -}}

{{/* "true" when the Ingress routes to this service: (dict "root" $ "component" "token"). */}}
{{- define "grantline.isPublic" -}}
{{- $public := false -}}
{{- if .root.Values.ingress.enabled -}}
{{- range (include "grantline.publicRoutes" .root | fromYaml).routes -}}
{{- if eq .service $.component -}}
{{- $public = true -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $public -}}
{{- end -}}
