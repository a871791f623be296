# Every pod is selected by a NetworkPolicy, so nothing runs with the cluster's default
# allow-all.
package grantline.platform

deny contains message if {
	some owner in pod_owners
	not selected_by_policy(pod_labels(owner))
	message := sprintf("%s: no NetworkPolicy selects its pods", [name(owner)])
}

selected_by_policy(labels) if {
	some policy in input
	policy.kind == "NetworkPolicy"
	selector_matches(policy.spec.podSelector, labels)
}
