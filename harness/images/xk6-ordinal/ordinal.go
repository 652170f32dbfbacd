// Package ordinal is ordinal's k6 extension (import "k6/x/ordinal"): a Kafka producer that reports
// each acknowledged message's partition and offset, a read-back of whole topics, topic metadata and
// creation (on github.com/segmentio/kafka-go), and raw ZooKeeper sessions for connection-limit
// probes. It exists because the xk6-kafka and xk6-tcp modules are not served by the module proxy
// ordinal builds from; it is compiled into k6 with xk6 like any other extension.
package ordinal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	"go.k6.io/k6/js/modules"
)

func init() {
	modules.Register("k6/x/ordinal", new(RootModule))
}

// RootModule is the global module; ModuleInstance is one per VU.
type RootModule struct{}

type ModuleInstance struct {
	vu modules.VU
	zk *zkSessions
}

func (*RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	return &ModuleInstance{vu: vu, zk: &zkSessions{conns: map[int]*zkConn{}}}
}

func (m *ModuleInstance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"producer":    m.producer,
		"readAll":     m.readAll,
		"metadata":    m.metadata,
		"brokers":     m.brokers,
		"createTopic": m.createTopic,
		"topicConfig": m.topicConfig,
		"zkOpen":      m.zkOpen,
		"zkCloseAll":  m.zkCloseAll,
		"zkCommand":   m.zkCommand,
	}}
}

func str(o map[string]any, k, def string) string {
	if v, ok := o[k].(string); ok && v != "" {
		return v
	}
	return def
}

func num(o map[string]any, k string, def int64) int64 {
	switch v := o[k].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	}
	return def
}

func brokers(o map[string]any) []string {
	return strings.Split(str(o, "brokers", "localhost:9092"), ",")
}

// Producer writes one keyed message per call and returns where it was acknowledged.
type Producer struct {
	w    *kafka.Writer
	mu   sync.Mutex
	last []kafka.Message
	ack  string
	// resend a send whose broker went away until this long after its first try (0: never)
	delivery time.Duration
}

// producer({brokers, topic, acks: "all"|"1"|"0", timeoutMs, maxAttempts, deliveryTimeoutMs, batchSize})
// batchSize (default 1: each produce() is its own request) is how many messages of one
// produceMany() call the Writer puts into one partition's request
func (m *ModuleInstance) producer(o map[string]any) (*Producer, error) {
	acks := str(o, "acks", "all")
	required := kafka.RequireAll
	switch acks {
	case "all", "-1":
		required = kafka.RequireAll
	case "1":
		required = kafka.RequireOne
	case "0":
		required = kafka.RequireNone
	default:
		return nil, fmt.Errorf("acks must be all, 1 or 0, got %q", acks)
	}
	timeout := time.Duration(num(o, "timeoutMs", 10000)) * time.Millisecond
	p := &Producer{ack: acks, delivery: time.Duration(num(o, "deliveryTimeoutMs", 0)) * time.Millisecond}
	p.w = &kafka.Writer{
		Addr: kafka.TCP(brokers(o)...),
		// re-read partition leaders every second, so a failover is noticed quickly
		Transport:              &kafka.Transport{MetadataTTL: time.Second, DialTimeout: 3 * time.Second, IdleTimeout: 30 * time.Second},
		Topic:                  str(o, "topic", ""),
		Balancer:               &kafka.Hash{},
		RequiredAcks:           required,
		BatchSize:              int(max(1, num(o, "batchSize", 1))),
		BatchTimeout:           time.Millisecond,
		WriteTimeout:           timeout,
		ReadTimeout:            timeout,
		MaxAttempts:            int(num(o, "maxAttempts", 3)),
		WriteBackoffMin:        100 * time.Millisecond,
		WriteBackoffMax:        time.Second,
		AllowAutoTopicCreation: false,
		Completion: func(msgs []kafka.Message, err error) {
			if err == nil {
				p.mu.Lock()
				p.last = append([]kafka.Message(nil), msgs...)
				p.mu.Unlock()
			}
		},
	}
	return p, nil
}

// Produce sends key/value and returns {partition, offset} once the broker acknowledged it
// (with the producer's acks); it throws when the write was not acknowledged.
//
// With deliveryTimeoutMs, a send whose broker went away (its connection reset or closed, its name
// gone from DNS, its leadership moved) is sent again, every half second, until that much time has
// passed since the first try, as a Java producer does within delivery.timeout.ms: kafka-go's
// Writer retries on the same cached leader for a couple of seconds only, which a broker's graceful
// shutdown outlasts. Refusals by a live leader (NOT_ENOUGH_REPLICAS: the ISR is short) are not
// retried beyond the Writer's own attempts, so an ISR that stays short still fails the sends.
func (p *Producer) Produce(key, value string) (map[string]any, error) {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		r, err := p.produceOnce(key, value)
		if err == nil || p.delivery <= 0 || !brokerGone(err) || attempt >= maxResends || time.Since(start)+resendDelay > p.delivery {
			return r, err
		}
		time.Sleep(resendDelay)
	}
}

const (
	resendDelay = 500 * time.Millisecond
	maxResends  = 40
)

// brokerGone: the error says the broker (or its leadership) is gone, not that a live leader refused.
func brokerGone(err error) bool {
	var we kafka.WriteErrors
	if errors.As(err, &we) {
		for _, e := range we {
			if e != nil && !brokerGone(e) {
				return false
			}
		}
		return we.Count() > 0
	}
	var dns *net.DNSError
	var op *net.OpError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		errors.As(err, &dns) || errors.As(err, &op) ||
		errors.Is(err, kafka.NotLeaderForPartition) || errors.Is(err, kafka.LeaderNotAvailable) || errors.Is(err, protocol.ErrNoLeader) ||
		errors.Is(err, kafka.BrokerNotAvailable) || errors.Is(err, kafka.NetworkException)
}

// ProduceMany sends n messages of size bytes (keys prefix-0 … prefix-(n-1)) in one call and returns
// how many were acknowledged, for the throughput benchmark: the Writer batches them per partition
// (as a Java producer's batch.size does) and waits for every batch's acks. No offsets, no resends.
func (p *Producer) ProduceMany(prefix string, n, size int) (int, error) {
	if n < 1 || size < 1 {
		return 0, fmt.Errorf("produceMany needs n >= 1 and size >= 1, got %d and %d", n, size)
	}
	value := []byte(strings.Repeat("x", size))
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		msgs[i] = kafka.Message{Key: []byte(fmt.Sprintf("%s-%d", prefix, i)), Value: value}
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.w.WriteTimeout*time.Duration(max(1, p.w.MaxAttempts)))
	defer cancel()
	err := p.w.WriteMessages(ctx, msgs...)
	var we kafka.WriteErrors
	if errors.As(err, &we) {
		return n - we.Count(), err
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (p *Producer) produceOnce(key, value string) (map[string]any, error) {
	p.mu.Lock()
	p.last = nil
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), p.w.WriteTimeout*time.Duration(max(1, p.w.MaxAttempts)))
	defer cancel()
	if err := p.w.WriteMessages(ctx, kafka.Message{Key: []byte(key), Value: []byte(value)}); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ack == "0" || len(p.last) == 0 {
		return map[string]any{"partition": -1, "offset": -1}, nil
	}
	return map[string]any{"partition": p.last[0].Partition, "offset": p.last[0].Offset}, nil
}

func (p *Producer) Close() error { return p.w.Close() }

func dialAny(ctx context.Context, bs []string) (*kafka.Conn, error) {
	var errs []error
	for _, b := range bs {
		c, err := kafka.DialContext(ctx, "tcp", b)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// connect dials any of the brokers within d; done closes the connection and ends the context.
func connect(o map[string]any, d time.Duration) (context.Context, *kafka.Conn, func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	c, err := dialAny(ctx, brokers(o))
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return ctx, c, func() { c.Close(); cancel() }, nil
}

// metadata({brokers, topic}) → [{partition, leader, replicas, isr}]
func (m *ModuleInstance) metadata(o map[string]any) ([]map[string]any, error) {
	_, c, done, err := connect(o, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer done()
	parts, err := c.ReadPartitions(str(o, "topic", ""))
	if err != nil {
		return nil, err
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].ID < parts[j].ID })
	out := make([]map[string]any, 0, len(parts))
	ids := func(bs []kafka.Broker) []int {
		r := make([]int, len(bs))
		for i, b := range bs {
			r[i] = b.ID
		}
		return r
	}
	for _, p := range parts {
		// kafka-go gives a partition without a leader (id -1) the zero Broker, id 0: report -1
		leader := p.Leader.ID
		if p.Leader.Host == "" {
			leader = -1
		}
		out = append(out, map[string]any{"partition": p.ID, "leader": leader, "leaderHost": p.Leader.Host, "replicas": ids(p.Replicas), "isr": ids(p.Isr)})
	}
	return out, nil
}

// brokers({brokers}) → {controller, brokers: [{id, host, port, reachable, error}]}: the brokers as
// the cluster's metadata lists them (id and advertised listener), each then dialled at its
// advertised address and asked for metadata again, as a client does after a bootstrap.
func (m *ModuleInstance) brokers(o map[string]any) (map[string]any, error) {
	ctx, c, done, err := connect(o, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer done()
	bs, err := c.Brokers()
	if err != nil {
		return nil, err
	}
	ctrl, err := c.Controller()
	if err != nil {
		return nil, err
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].ID < bs[j].ID })
	out := make([]map[string]any, 0, len(bs))
	for _, b := range bs {
		e := map[string]any{"id": b.ID, "host": b.Host, "port": b.Port, "reachable": false}
		bc, err := kafka.DialContext(ctx, "tcp", fmt.Sprintf("%s:%d", b.Host, b.Port))
		if err == nil {
			_, err = bc.Brokers()
			bc.Close()
		}
		if err != nil {
			e["error"] = err.Error()
		} else {
			e["reachable"] = true
		}
		out = append(out, e)
	}
	return map[string]any{"controller": ctrl.ID, "brokers": out}, nil
}

// createTopic({brokers, topic, partitions, replicationFactor, configs: {k: v}})
func (m *ModuleInstance) createTopic(o map[string]any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := dialAny(ctx, brokers(o))
	if err != nil {
		return err
	}
	defer c.Close()
	ctrl, err := c.Controller()
	if err != nil {
		return err
	}
	cc, err := kafka.DialContext(ctx, "tcp", fmt.Sprintf("%s:%d", ctrl.Host, ctrl.Port))
	if err != nil {
		return err
	}
	defer cc.Close()
	var entries []kafka.ConfigEntry
	if cfg, ok := o["configs"].(map[string]any); ok {
		for k, v := range cfg {
			entries = append(entries, kafka.ConfigEntry{ConfigName: k, ConfigValue: fmt.Sprint(v)})
		}
	}
	return cc.CreateTopics(kafka.TopicConfig{
		Topic:             str(o, "topic", ""),
		NumPartitions:     int(num(o, "partitions", 3)),
		ReplicationFactor: int(num(o, "replicationFactor", 3)),
		ConfigEntries:     entries,
	})
}

// readAll({brokers, topic, timeoutMs}) → {records: ["p:o:key", …], highWatermarks: {p: hwm}}:
// every record of every partition from its first offset up to the high watermark.
func (m *ModuleInstance) readAll(o map[string]any) (map[string]any, error) {
	timeout := time.Duration(num(o, "timeoutMs", 60000)) * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	topic := str(o, "topic", "")
	meta, err := m.metadata(o)
	if err != nil {
		return nil, err
	}
	records := []string{}
	hwms := map[string]any{}
	for _, p := range meta {
		part := p["partition"].(int)
		conn, err := kafka.DialLeader(ctx, "tcp", brokers(o)[0], topic, part)
		if err != nil {
			return nil, fmt.Errorf("partition %d: %w", part, err)
		}
		first, lerr := conn.ReadFirstOffset()
		last, herr := conn.ReadLastOffset()
		conn.Close()
		if lerr != nil || herr != nil {
			return nil, fmt.Errorf("partition %d offsets: %v %v", part, lerr, herr)
		}
		hwms[fmt.Sprint(part)] = last
		if last <= first {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers(o), Topic: topic, Partition: part, MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 500 * time.Millisecond})
		if err := r.SetOffset(first); err != nil {
			r.Close()
			return nil, err
		}
		for {
			msg, err := r.ReadMessage(ctx)
			if err != nil {
				r.Close()
				return nil, fmt.Errorf("partition %d at offset %d of %d: %w", part, r.Offset(), last, err)
			}
			records = append(records, fmt.Sprintf("%d:%d:%s", msg.Partition, msg.Offset, msg.Key))
			if msg.Offset >= last-1 {
				break
			}
		}
		r.Close()
	}
	return map[string]any{"records": records, "highWatermarks": hwms}, nil
}

// topicConfig({brokers, topic}) → {name: value} of the topic's effective configuration
// (topic overrides, else the broker's defaults), as the brokers report it.
func (m *ModuleInstance) topicConfig(o map[string]any) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c := &kafka.Client{Addr: kafka.TCP(brokers(o)...), Timeout: 10 * time.Second}
	res, err := c.DescribeConfigs(ctx, &kafka.DescribeConfigsRequest{
		Resources: []kafka.DescribeConfigRequestResource{{ResourceType: kafka.ResourceTypeTopic, ResourceName: str(o, "topic", "")}},
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, r := range res.Resources {
		if r.Error != nil {
			return nil, r.Error
		}
		for _, e := range r.ConfigEntries {
			out[e.ConfigName] = e.ConfigValue
		}
	}
	return out, nil
}
