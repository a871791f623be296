# Pods stay out of the node's namespaces and file system and hold no API token.
package grantline.platform

deny contains message if {
	some owner in pod_owners
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	pod_spec(owner)[field] == true
	message := sprintf("%s: pods must not use %s", [name(owner), field])
}

deny contains message if {
	some owner in pod_owners
	some volume in object.get(pod_spec(owner), "volumes", [])
	volume.hostPath
	message := sprintf("%s: volume %s is a hostPath", [name(owner), volume.name])
}

deny contains message if {
	some [owner, _, container] in pod_containers
	some port in object.get(container, "ports", [])
	port.hostPort
	message := sprintf("%s: container %s binds hostPort %v", [name(owner), container.name, port.hostPort])
}

deny contains message if {
	some owner in pod_owners
	not pod_spec(owner).automountServiceAccountToken == false
	message := sprintf("%s: pods must set automountServiceAccountToken: false", [name(owner)])
}
