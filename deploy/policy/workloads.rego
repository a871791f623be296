# Helpers over the rendered manifests: `input` is the array of every object `helm template`
# printed (kubecheck -json writes it).
package grantline.platform

pod_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

# The pod template of a workload, or the spec of a bare Pod.
pod_spec(object) := object.spec.template.spec if object.kind in pod_kinds

pod_spec(object) := object.spec.jobTemplate.spec.template.spec if object.kind == "CronJob"

pod_spec(object) := object.spec if object.kind == "Pod"

pod_labels(object) := object.spec.template.metadata.labels if object.kind in pod_kinds

pod_labels(object) := object.spec.jobTemplate.spec.template.metadata.labels if object.kind == "CronJob"

pod_labels(object) := object.metadata.labels if object.kind == "Pod"

# Every object that runs pods.
pod_owners contains object if {
	some object in input
	pod_spec(object)
}

# Every container, init containers included, as [the object running it, its pod spec, the container].
pod_containers contains [owner, spec, container] if {
	some owner in pod_owners
	spec := pod_spec(owner)
	some container in containers(spec)
}

# Every container of a pod spec, init containers included.
containers(spec) := array.concat(object.get(spec, "containers", []), object.get(spec, "initContainers", []))

name(object) := sprintf("%s/%s", [object.kind, object.metadata.name])

# A label selector (matchLabels and matchExpressions) matches a set of labels.
selector_matches(selector, labels) if {
	every key, value in object.get(selector, "matchLabels", {}) {
		labels[key] == value
	}
	every expression in object.get(selector, "matchExpressions", []) {
		expression_matches(expression, labels)
	}
}

expression_matches(expression, labels) if {
	expression.operator == "In"
	labels[expression.key] in expression.values
}

expression_matches(expression, labels) if {
	expression.operator == "NotIn"
	not labels[expression.key] in expression.values
}

expression_matches(expression, labels) if {
	expression.operator == "Exists"
	labels[expression.key]
}

expression_matches(expression, labels) if {
	expression.operator == "DoesNotExist"
	not labels[expression.key]
}
