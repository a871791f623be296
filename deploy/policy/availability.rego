# Every public Deployment (label grantline.dev/exposure: public, set on what the Ingress
# routes to) scales horizontally and keeps replicas through voluntary disruptions.
package grantline.platform

public_deployments contains deployment if {
	some deployment in input
	deployment.kind == "Deployment"
	deployment.metadata.labels["grantline.dev/exposure"] == "public"
}

deny contains message if {
	some deployment in public_deployments
	not has_autoscaler(deployment)
	message := sprintf("%s: a public service needs a HorizontalPodAutoscaler", [name(deployment)])
}

deny contains message if {
	some deployment in public_deployments
	not has_disruption_budget(deployment)
	message := sprintf("%s: a public service needs a PodDisruptionBudget selecting its pods", [name(deployment)])
}

has_autoscaler(deployment) if {
	some autoscaler in input
	autoscaler.kind == "HorizontalPodAutoscaler"
	autoscaler.spec.scaleTargetRef.kind == "Deployment"
	autoscaler.spec.scaleTargetRef.name == deployment.metadata.name
}

has_disruption_budget(deployment) if {
	some budget in input
	budget.kind == "PodDisruptionBudget"
	selector_matches(budget.spec.selector, pod_labels(deployment))
}
