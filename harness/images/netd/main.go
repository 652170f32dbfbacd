// ordinal-netd is the pod network of ordinal's offline kind node image, standing in for kind's
// kindnetd (whose nested Go module the module proxy does not serve). On every node it
//   - writes a CNI config (ptp + host-local on this node's spec.podCIDR, plus portmap),
//   - routes every other node's podCIDR via that node's InternalIP (kind nodes share one L2 network),
//   - masquerades pod traffic that leaves the pod network.
// It re-lists the nodes every few seconds, so node restarts and joins converge on their own.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

const (
	cniConfPath = "/etc/cni/net.d/10-ordinal.conflist"
	masqChain   = "ORDINAL-MASQ"
	resync      = 5 * time.Second
)

func main() {
	nodeName := mustEnv("NODE_NAME")
	podSubnet := mustEnv("POD_SUBNET")
	if _, _, err := net.ParseCIDR(podSubnet); err != nil {
		log.Fatalf("POD_SUBNET %q is not a CIDR: %v", podSubnet, err)
	}
	cfg, err := rest.InClusterConfig()
	if err != nil {
		log.Fatalf("in-cluster config: %v", err)
	}
	// kube-proxy may not have programmed the Service VIP yet; talk to the API server directly.
	if ep := os.Getenv("CONTROL_PLANE_ENDPOINT"); ep != "" {
		cfg.Host = "https://" + ep
	}
	client := kubernetes.NewForConfigOrDie(cfg)
	log.Printf("ordinal-netd on %s, pod subnet %s", nodeName, podSubnet)
	for {
		if err := syncOnce(client, nodeName, podSubnet); err != nil {
			log.Printf("sync: %v", err)
		}
		time.Sleep(resync)
	}
}

func syncOnce(client kubernetes.Interface, self, podSubnet string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list nodes: %w", err)
	}
	for i := range nodes.Items {
		n := &nodes.Items[i]
		cidr, ip := n.Spec.PodCIDR, internalIP(n)
		if cidr == "" || ip == "" {
			continue
		}
		if n.Name == self {
			if err := writeCNIConfig(cidr); err != nil {
				return err
			}
			continue
		}
		if out, err := exec.Command("ip", "route", "replace", cidr, "via", ip).CombinedOutput(); err != nil {
			log.Printf("route %s via %s: %v: %s", cidr, ip, err, out)
		}
	}
	return ensureMasquerade(podSubnet)
}

func internalIP(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP && net.ParseIP(a.Address).To4() != nil {
			return a.Address
		}
	}
	return ""
}

func writeCNIConfig(cidr string) error {
	conf := fmt.Sprintf(`{
  "cniVersion": "0.4.0",
  "name": "ordinal",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "/run/cni-ipam-state",
        "routes": [{ "dst": "0.0.0.0/0" }],
        "ranges": [[{ "subnet": %q }]]
      },
      "mtu": 1500
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
`, cidr)
	if old, err := os.ReadFile(cniConfPath); err == nil && string(old) == conf {
		return nil
	}
	tmp := filepath.Join(filepath.Dir(cniConfPath), ".10-ordinal.conflist.tmp")
	if err := os.WriteFile(tmp, []byte(conf), 0o644); err != nil {
		return err
	}
	log.Printf("CNI config written for %s", cidr)
	return os.Rename(tmp, cniConfPath)
}

// ensureMasquerade keeps one nat chain: pod-to-pod traffic keeps its source, everything else
// leaving the pod network is masqueraded.
func ensureMasquerade(podSubnet string) error {
	ipt := func(args ...string) ([]byte, error) {
		return exec.Command("iptables", append([]string{"-w", "5", "-t", "nat"}, args...)...).CombinedOutput()
	}
	if _, err := ipt("-L", masqChain, "-n"); err != nil {
		if out, err := ipt("-N", masqChain); err != nil && !strings.Contains(string(out), "exists") {
			return fmt.Errorf("iptables -N %s: %v: %s", masqChain, err, out)
		}
	}
	rules := [][]string{
		{"-d", podSubnet, "-j", "RETURN"},
		{"!", "-d", podSubnet, "-j", "MASQUERADE"},
	}
	for _, r := range rules {
		if _, err := ipt(append([]string{"-C", masqChain}, r...)...); err != nil {
			if out, err := ipt(append([]string{"-A", masqChain}, r...)...); err != nil {
				return fmt.Errorf("iptables -A %s: %v: %s", masqChain, err, out)
			}
		}
	}
	jump := []string{"POSTROUTING", "-s", podSubnet, "-m", "comment", "--comment", "ordinal-netd", "-j", masqChain}
	if _, err := ipt(append([]string{"-C"}, jump...)...); err != nil {
		if out, err := ipt(append([]string{"-A"}, jump...)...); err != nil {
			return fmt.Errorf("iptables -A POSTROUTING: %v: %s", err, out)
		}
	}
	return nil
}

func mustEnv(k string) string {
	v := os.Getenv(k)
	if v == "" {
		log.Fatalf("%s is not set", k)
	}
	return v
}
