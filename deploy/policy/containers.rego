# The platform checklist for every container: the restricted security context, resources,
# probes and a pinned image.
package grantline.platform

# A container's setting, falling back to its pod's where Kubernetes allows that.
effective(_, container, field) := container.securityContext[field]

effective(spec, container, field) := spec.securityContext[field] if {
	not field in object.keys(object.get(container, "securityContext", {}))
}

deny contains message if {
	some [owner, spec, container] in pod_containers
	not effective(spec, container, "runAsNonRoot") == true
	message := sprintf("%s: container %s must run as non-root (runAsNonRoot: true)", [name(owner), container.name])
}

deny contains message if {
	some [owner, _, container] in pod_containers
	not container.securityContext.readOnlyRootFilesystem == true
	message := sprintf("%s: container %s must have a read-only root file system", [name(owner), container.name])
}

deny contains message if {
	some [owner, _, container] in pod_containers
	not container.securityContext.allowPrivilegeEscalation == false
	message := sprintf("%s: container %s must set allowPrivilegeEscalation: false", [name(owner), container.name])
}

deny contains message if {
	some [owner, _, container] in pod_containers
	not "ALL" in object.get(container, ["securityContext", "capabilities", "drop"], [])
	message := sprintf("%s: container %s must drop ALL capabilities", [name(owner), container.name])
}

deny contains message if {
	some [owner, _, container] in pod_containers
	count(object.get(container, ["securityContext", "capabilities", "add"], [])) > 0
	message := sprintf("%s: container %s must not add capabilities", [name(owner), container.name])
}

deny contains message if {
	some [owner, _, container] in pod_containers
	container.securityContext.privileged == true
	message := sprintf("%s: container %s must not be privileged", [name(owner), container.name])
}

deny contains message if {
	some [owner, spec, container] in pod_containers
	not effective(spec, container, "seccompProfile").type == "RuntimeDefault"
	message := sprintf("%s: container %s must use the RuntimeDefault seccomp profile", [name(owner), container.name])
}

deny contains message if {
	some [owner, _, container] in pod_containers
	some kind in ["requests", "limits"]
	some resource in ["cpu", "memory"]
	not container.resources[kind][resource]
	message := sprintf("%s: container %s has no %s %s", [name(owner), container.name, resource, kind])
}

deny contains message if {
	some owner in pod_owners
	owner.kind == "Deployment"
	some container in pod_spec(owner).containers
	some probe in ["startupProbe", "readinessProbe", "livenessProbe"]
	not container[probe]
	message := sprintf("%s: container %s has no %s", [name(owner), container.name, probe])
}

deny contains message if {
	some [owner, _, container] in pod_containers
	not pinned(container.image)
	message := sprintf("%s: container %s uses image %s; name a version (not latest) or a digest", [name(owner), container.name, container.image])
}

pinned(image) if contains(image, "@sha256:")

pinned(image) if {
	not contains(image, "@")

	# The tag follows the last ":" after the last "/" (a registry may have a port).
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	not endswith(last, ":latest")
}
