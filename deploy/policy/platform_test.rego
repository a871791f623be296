package grantline.platform_test

import data.grantline.platform

test_compliant_manifests_pass if {
	count(platform.deny) == 0 with input as compliant
}

denied_with(operations, fragment) if {
	some message in platform.deny with input as with_deployment_patched(operations)
	contains(message, fragment)
}

test_root_container_denied if {
	denied_with([{"op": "replace", "path": "/spec/template/spec/securityContext/runAsNonRoot", "value": false}], "non-root")
}

test_container_may_not_undo_pod_non_root if {
	denied_with([{"op": "add", "path": concat("", [container_path, "/securityContext/runAsNonRoot"]), "value": false}], "non-root")
}

test_writable_root_denied if {
	denied_with([{"op": "remove", "path": concat("", [container_path, "/securityContext/readOnlyRootFilesystem"])}], "read-only root")
}

test_privilege_escalation_denied if {
	denied_with([{"op": "replace", "path": concat("", [container_path, "/securityContext/allowPrivilegeEscalation"]), "value": true}], "allowPrivilegeEscalation")
}

test_kept_capabilities_denied if {
	denied_with([{"op": "replace", "path": concat("", [container_path, "/securityContext/capabilities/drop"]), "value": ["NET_RAW"]}], "drop ALL")
}

test_added_capabilities_denied if {
	denied_with([{"op": "add", "path": concat("", [container_path, "/securityContext/capabilities/add"]), "value": ["NET_ADMIN"]}], "add capabilities")
}

test_privileged_denied if {
	denied_with([{"op": "add", "path": concat("", [container_path, "/securityContext/privileged"]), "value": true}], "privileged")
}

test_unconfined_seccomp_denied if {
	denied_with([{"op": "replace", "path": "/spec/template/spec/securityContext/seccompProfile/type", "value": "Unconfined"}], "seccomp")
}

test_missing_limits_denied if {
	denied_with([{"op": "remove", "path": concat("", [container_path, "/resources/limits"])}], "no cpu limits")
}

test_missing_probe_denied if {
	denied_with([{"op": "remove", "path": concat("", [container_path, "/startupProbe"])}], "no startupProbe")
}

test_latest_image_denied if {
	denied_with([{"op": "replace", "path": concat("", [container_path, "/image"]), "value": "grantline:latest"}], "not latest")
}

test_untagged_image_denied if {
	denied_with([{"op": "replace", "path": concat("", [container_path, "/image"]), "value": "registry.example:5000/grantline"}], "not latest")
}

test_image_by_digest_allowed if {
	digest := concat("", ["grantline@sha256:", concat("", [x | some _ in numbers.range(1, 64); x := "a"])])
	count(platform.deny) == 0 with input as with_deployment_patched([{"op": "replace", "path": concat("", [container_path, "/image"]), "value": digest}])
}

test_host_network_denied if {
	denied_with([{"op": "add", "path": "/spec/template/spec/hostNetwork", "value": true}], "hostNetwork")
}

test_host_path_denied if {
	denied_with([{"op": "add", "path": "/spec/template/spec/volumes", "value": [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}]}], "hostPath")
}

test_mounted_service_account_token_denied if {
	denied_with([{"op": "remove", "path": "/spec/template/spec/automountServiceAccountToken"}], "automountServiceAccountToken")
}

test_public_service_without_autoscaler_denied if {
	some message in platform.deny with input as [deployment, budget, network_policy]
	contains(message, "HorizontalPodAutoscaler")
}

test_public_service_without_budget_denied if {
	some message in platform.deny with input as [deployment, autoscaler, network_policy]
	contains(message, "PodDisruptionBudget")
}

test_internal_service_needs_no_autoscaler if {
	internal := json.patch(deployment, [{"op": "remove", "path": "/metadata/labels/grantline.dev~1exposure"}])
	count(platform.deny) == 0 with input as [internal, network_policy]
}

test_pod_without_network_policy_denied if {
	some message in platform.deny with input as [deployment, autoscaler, budget]
	contains(message, "no NetworkPolicy")
}

test_network_policy_of_other_pods_does_not_count if {
	other := json.patch(network_policy, [{"op": "replace", "path": "/spec/podSelector/matchLabels/app.kubernetes.io~1component", "value": "audit"}])
	some message in platform.deny with input as [deployment, autoscaler, budget, other]
	contains(message, "no NetworkPolicy")
}

test_network_policy_by_expression if {
	by_expression := json.patch(network_policy, [{"op": "replace", "path": "/spec/podSelector", "value": {"matchExpressions": [{"key": "app.kubernetes.io/component", "operator": "In", "values": ["token", "authorize"]}]}}])
	count(platform.deny) == 0 with input as [deployment, autoscaler, budget, by_expression]
}

test_jobs_are_checked_too if {
	job := {
		"apiVersion": "batch/v1",
		"kind": "Job",
		"metadata": {"name": "topics"},
		"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [json.patch(container, [{"op": "replace", "path": "/image", "value": "grantline:latest"}])]}}},
	}
	messages := platform.deny with input as array.concat(compliant, [job])
	some message in messages
	startswith(message, "Job/topics:")
	contains(message, "not latest")
}
