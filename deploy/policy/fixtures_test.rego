# Manifests the tests start from: a public Deployment that passes every rule, with its
# autoscaler, disruption budget and network policy.
package grantline.platform_test

labels := {"app.kubernetes.io/name": "grantline", "app.kubernetes.io/component": "token"}

container := {
	"name": "token",
	"image": "grantline:0.1.0",
	"securityContext": {
		"readOnlyRootFilesystem": true,
		"allowPrivilegeEscalation": false,
		"capabilities": {"drop": ["ALL"]},
	},
	"resources": {
		"requests": {"cpu": "500m", "memory": "192Mi"},
		"limits": {"cpu": "1", "memory": "512Mi"},
	},
	"startupProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
	"readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}},
	"livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
}

deployment := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "grantline-token", "labels": object.union(labels, {"grantline.dev/exposure": "public"})},
	"spec": {
		"selector": {"matchLabels": labels},
		"template": {
			"metadata": {"labels": labels},
			"spec": {
				"automountServiceAccountToken": false,
				"securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
				"containers": [container],
			},
		},
	},
}

autoscaler := {
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "grantline-token"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "grantline-token"}},
}

budget := {
	"apiVersion": "policy/v1",
	"kind": "PodDisruptionBudget",
	"metadata": {"name": "grantline-token"},
	"spec": {"minAvailable": 1, "selector": {"matchLabels": labels}},
}

network_policy := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "NetworkPolicy",
	"metadata": {"name": "grantline-token"},
	"spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/component": "token"}}, "policyTypes": ["Ingress", "Egress"]},
}

compliant := [deployment, autoscaler, budget, network_policy]

# The compliant set with the Deployment patched (RFC 6902 operations).
with_deployment_patched(operations) := [json.patch(deployment, operations), autoscaler, budget, network_policy]

container_path := "/spec/template/spec/containers/0"
