package ordinal

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
)

// The errors kafka-go gave in recorded kafka suite runs, wrapped as it wraps them.
func TestBrokerGone(t *testing.T) {
	wrap := func(err error) error { return kafka.WriteErrors{fmt.Errorf("kafka.(*Client).Produce: %w", err)} }
	gone := map[string]error{
		"no such host":       wrap(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "kafka-1.kafka-hs", IsNotFound: true}}),
		"connection reset":   wrap(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}),
		"unexpected EOF":     wrap(io.ErrUnexpectedEOF),
		"no leader":          wrap(protocol.NewTopicPartitionError("t", 1, protocol.ErrNoLeader)),
		"not leader":         wrap(kafka.NotLeaderForPartition),
		"leader unavailable": kafka.LeaderNotAvailable,
	}
	for name, err := range gone {
		if !brokerGone(err) {
			t.Errorf("%s (%v): want resent, is not", name, err)
		}
	}
	live := map[string]error{
		"not enough replicas":              wrap(kafka.NotEnoughReplicas),
		"not enough replicas after append": wrap(kafka.NotEnoughReplicasAfterAppend),
		"unknown topic":                    wrap(kafka.UnknownTopicOrPartition),
		"empty WriteErrors":                kafka.WriteErrors{nil},
		"other":                            errors.New("message too large"),
	}
	for name, err := range live {
		if brokerGone(err) {
			t.Errorf("%s (%v): want not resent, is", name, err)
		}
	}
}
