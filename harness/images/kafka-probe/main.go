// kafka-ready: the readiness probe of ordinal's Kafka fixture. A broker is Ready when it answers on
// its own listener, the cluster's metadata (as this broker serves it) lists it, and it is in the
// ISR of every partition it replicates: a broker back from a restart is Ready only once it has
// caught up, so a rolling update does not stop the next broker while this one is still behind
// (which is what makes min.insync.replicas refuse writes). This is the check Strimzi's rolling
// update makes before it moves on, expressed as a probe. Exit 0: Ready; exit 1: not, with why.
package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	kafka "github.com/segmentio/kafka-go"
)

func main() {
	addr := "127.0.0.1:9092"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	id, err := brokerID()
	if err != nil {
		fail("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// a Conn, not kafka.Client: Client.Metadata turns the id of a broker that is not registered
	// into 0 (so broker 0 would read itself into an offline partition's ISR); Conn keeps the ids
	conn, err := kafka.DialContext(ctx, "tcp", addr)
	if err != nil {
		fail("broker %d does not answer on %s: %v", id, addr, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	brokers, err := conn.Brokers()
	if err != nil {
		fail("broker %d does not answer metadata on %s: %v", id, addr, err)
	}
	listed := false
	for _, b := range brokers {
		if b.ID == id {
			listed = true
		}
	}
	if !listed {
		fail("broker %d is not in the cluster's metadata yet (%d brokers listed)", id, len(brokers))
	}
	partitions, err := conn.ReadPartitions()
	if err != nil {
		fail("broker %d does not answer partition metadata on %s: %v", id, addr, err)
	}
	var behind []string
	total := 0
	for _, p := range partitions {
		if !has(p.Replicas, id) {
			continue
		}
		total++
		if !has(p.Isr, id) {
			behind = append(behind, fmt.Sprintf("%s-%d (isr %v)", p.Topic, p.ID, ids(p.Isr)))
		}
	}
	if len(behind) > 0 {
		sort.Strings(behind)
		more := ""
		if len(behind) > 5 {
			more = fmt.Sprintf(" and %d more", len(behind)-5)
			behind = behind[:5]
		}
		fail("broker %d is not in sync: out of the ISR of %s%s", id, strings.Join(behind, ", "), more)
	}
	fmt.Printf("broker %d in sync on all %d partitions it replicates\n", id, total)
}

// brokerID is the broker.id kafka-start wrote to /tmp/kafka-broker-id (the effective one, after
// any override), else KAFKA_BROKER_ID, else the pod's ordinal.
func brokerID() (int, error) {
	if b, err := os.ReadFile("/tmp/kafka-broker-id"); err == nil {
		return strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if v := os.Getenv("KAFKA_BROKER_ID"); v != "" {
		return strconv.Atoi(v)
	}
	host, err := os.Hostname()
	if err != nil {
		return 0, err
	}
	m := regexp.MustCompile(`-(\d+)$`).FindStringSubmatch(host)
	if m == nil {
		return 0, fmt.Errorf("hostname %s has no ordinal", host)
	}
	return strconv.Atoi(m[1])
}

func has(bs []kafka.Broker, id int) bool {
	for _, b := range bs {
		if b.ID == id {
			return true
		}
	}
	return false
}

func ids(bs []kafka.Broker) []int {
	out := make([]int, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

func fail(format string, a ...any) {
	fmt.Printf(format+"\n", a...)
	os.Exit(1)
}
