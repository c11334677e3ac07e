// What a meeting room knows of a client: something it can deliver frames to and close. The room
// never sees a socket (websocket_session.cpp is the only implementation).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "codec/server_message.hpp"
#include "core/types.hpp"
#include "net/send_batch.hpp"
#include "net/websocket_frames.hpp"

namespace everyvoice::net {

class MeetingRoom;

// An encoded message as it goes on the wire (a WebSocket text frame, header included): built once,
// shared by every connection it is queued on.
using Frame = std::shared_ptr<const std::string>;

enum class FrameKind : std::uint8_t {
  update,    // may be dropped when the client falls behind (a snapshot replaces it)
  reply,     // welcome, ack, error, pong: always kept
  snapshot,  // the whole view: ends a resync
  pong,      // a WebSocket pong: only the latest waits (RFC 6455 5.5.3)
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Queues a frame. Thread-safe and cheap: the write happens later on the connection's strand.
  virtual void deliver(Frame frame, FrameKind kind) = 0;
  // Queues a frame without writing it: the caller then adds the connection's send to a SendBatch
  // (add_corked) once it has queued a whole broadcast (or a batch of them), so that they leave in
  // one write, made with every other member's (send_batch.hpp). Thread-safe.
  virtual void deliver_corked(Frame frame, FrameKind kind) = 0;
  // Adds what is queued to the batch, unless a write is under way (which then takes it) or nothing is.
  virtual void add_corked(SendBatch& batch) = 0;
  // What the batch wrote of that send (send.result); the connection carries on from there.
  virtual void corked_sent(const CorkedSend& send) = 0;
  // Tells the connection which meeting and person it now speaks for (after join or resume).
  virtual void bind(std::shared_ptr<MeetingRoom> room, core::ParticipantId who) = 0;
  // Tells the connection its join or resume was refused: it belongs to no meeting and may try again.
  virtual void join_failed() = 0;
  // Closes with a WebSocket close code once queued frames are written.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

inline Frame make_frame(std::string_view json) {
  return std::make_shared<const std::string>(ws::encode_frame(ws::Opcode::text, json));
}

// WebSocket close codes the server uses (PROTOCOL.md, "Close codes").
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;     // server shutting down
inline constexpr std::uint16_t policy = 1008;         // hard cap on outgoing bytes, sustained command flood
inline constexpr std::uint16_t too_big = 1009;        // a message above max_message_bytes
inline constexpr std::uint16_t internal = 1011;       // the server failed while handling this connection
inline constexpr std::uint16_t removed = 4001;        // a facilitator removed this person from the meeting
inline constexpr std::uint16_t deleted = 4002;        // a facilitator deleted the meeting
inline constexpr std::uint16_t moved = 4003;          // another server holds the meeting now: reconnect and resume
}  // namespace close_code

}  // namespace everyvoice::net
