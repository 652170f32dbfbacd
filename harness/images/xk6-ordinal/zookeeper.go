package ordinal

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// A ZooKeeper session opened at the protocol level: a ConnectRequest (protocol 0, 30 s timeout,
// new session, readOnly false) answered by a ConnectResponse. A server over its per-IP
// maxClientCnxns accepts the TCP connection and closes it without answering.
type zkConn struct{ c net.Conn }

type zkSessions struct {
	mu    sync.Mutex
	next  int
	conns map[int]*zkConn
}

func connectRequest(timeoutMs int32) []byte {
	b := make([]byte, 49)
	binary.BigEndian.PutUint32(b[0:], 45)                 // frame length
	binary.BigEndian.PutUint32(b[4:], 0)                  // protocolVersion
	binary.BigEndian.PutUint64(b[8:], 0)                  // lastZxidSeen
	binary.BigEndian.PutUint32(b[16:], uint32(timeoutMs)) // timeOut
	binary.BigEndian.PutUint64(b[20:], 0)                 // sessionId
	binary.BigEndian.PutUint32(b[28:], 16)                // passwd length, 16 zero bytes follow
	b[48] = 0                                             // readOnly
	return b
}

// zkOpen(address, timeoutMs) → {established, sessionId, localAddress, error, handle}
// The session stays open until zkCloseAll.
func (m *ModuleInstance) zkOpen(addr string, timeoutMs int64) map[string]any {
	out := map[string]any{"established": false, "sessionId": "", "localAddress": "", "error": "", "handle": -1}
	d := time.Duration(timeoutMs) * time.Millisecond
	c, err := net.DialTimeout("tcp", addr, d)
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	out["localAddress"] = c.LocalAddr().String()
	_ = c.SetDeadline(time.Now().Add(d))
	if _, err := c.Write(connectRequest(30000)); err != nil {
		c.Close()
		out["error"] = "write: " + err.Error()
		return out
	}
	head := make([]byte, 4)
	if _, err := io.ReadFull(c, head); err != nil {
		c.Close()
		out["error"] = "closed by server before answering: " + err.Error()
		return out
	}
	n := binary.BigEndian.Uint32(head)
	if n < 36 || n > 1024 {
		c.Close()
		out["error"] = fmt.Sprintf("unexpected ConnectResponse length %d", n)
		return out
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c, body); err != nil {
		c.Close()
		out["error"] = "short ConnectResponse: " + err.Error()
		return out
	}
	session := binary.BigEndian.Uint64(body[8:16])
	if session == 0 {
		c.Close()
		out["error"] = "server answered with session 0 (not serving)"
		return out
	}
	_ = c.SetDeadline(time.Time{})
	m.zk.mu.Lock()
	h := m.zk.next
	m.zk.next++
	m.zk.conns[h] = &zkConn{c: c}
	m.zk.mu.Unlock()
	out["established"] = true
	out["sessionId"] = fmt.Sprintf("0x%x", session)
	out["handle"] = h
	return out
}

// zkCloseAll closes every session opened by this VU politely (closeSession), returns how many.
func (m *ModuleInstance) zkCloseAll() int {
	m.zk.mu.Lock()
	defer m.zk.mu.Unlock()
	closeReq := []byte{0, 0, 0, 8, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xf5}
	n := 0
	for h, z := range m.zk.conns {
		_ = z.c.SetDeadline(time.Now().Add(time.Second))
		_, _ = z.c.Write(closeReq)
		_ = z.c.Close()
		delete(m.zk.conns, h)
		n++
	}
	return n
}

// zkCommand(address, "srvr", timeoutMs) sends a four-letter word and returns the reply.
func (m *ModuleInstance) zkCommand(addr, cmd string, timeoutMs int64) (string, error) {
	d := time.Duration(timeoutMs) * time.Millisecond
	c, err := net.DialTimeout("tcp", addr, d)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(d))
	if _, err := c.Write([]byte(cmd)); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	if err != nil && len(b) == 0 {
		return "", err
	}
	return string(b), nil
}
