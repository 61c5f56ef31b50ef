//! Chat: what may be sent, to whom, under which privilege; incoming
//! messages told once; the history and privilege of one session.
mod common;
use common::*;
use zoomkit_core::action::{Action, FeatureSdkEvent};
use zoomkit_core::chat::{
    ChatAction, ChatMessage, ChatPrivilege, ChatPrivilegeChange, ChatTarget, ChatUser,
};
use zoomkit_core::sdk::ParticipantProperties;
use zoomkit_core::{CommandOutput, CoreError, Event, Op, SdkEvent, UserId};

fn me(host: bool, manager: bool) -> ParticipantProperties {
    ParticipantProperties {
        is_host: Some(host),
        is_manager: Some(manager),
        ..user(1, "Ada")
    }
}

fn send(text: &str, to: ChatTarget) -> Action {
    Action::Chat(ChatAction::Send {
        text: text.into(),
        to,
    })
}

fn message(id: &str, from: u64, to: u64) -> ChatMessage {
    ChatMessage {
        id: Some(id.into()),
        message: Some("hi".into()),
        sender: ChatUser {
            name: "Ann".into(),
            user_id: UserId(from),
        },
        receiver: ChatUser {
            name: String::new(),
            user_id: UserId(to),
        },
        timestamp: T0,
    }
}

/// Connected as Ada (1, neither host nor manager unless asked) with Ann (2).
fn session(host: bool) -> Harness {
    let mut h = Harness::new();
    h.connect();
    h.sdk(SdkEvent::UserAdded(vec![me(host, false), user(2, "Ann")]));
    h
}

fn act(h: &mut Harness, action: Action) -> Result<zoomkit_core::CommandId, CoreError> {
    let r = h.s.act(h.now, action);
    h.drain();
    r
}

fn feature(h: &mut Harness, ev: FeatureSdkEvent) {
    h.s.feature_event(h.now, ev);
    h.drain();
}

#[test]
fn a_message_to_everyone_and_one_to_a_participant_are_one_sdk_call_each() {
    let mut h = session(false);
    let id = act(&mut h, send("hello all", ChatTarget::Everyone)).unwrap();
    let c = h.expect("sendChatToAll");
    assert_eq!(c.id, id);
    assert_eq!(
        c.op,
        Op::SendChatToAll {
            text: "hello all".into()
        }
    );
    act(&mut h, send("psst", ChatTarget::User(UserId(2)))).unwrap();
    assert_eq!(
        h.expect("sendChat").op,
        Op::SendChat {
            text: "psst".into(),
            user_id: UserId(2)
        }
    );
}

#[test]
fn the_sent_message_joins_the_history_and_is_told_once() {
    let mut h = session(false);
    let id = act(&mut h, send("hello", ChatTarget::Everyone)).unwrap();
    let mark = h.mark();
    let sent = message("m-1", 1, 0);
    h.answer(id, Ok(CommandOutput::ChatMessage(sent.clone())));
    assert_eq!(h.events_since(mark), &[Event::ChatMessage(sent.clone())]);
    // Should the SDK also echo it as `chat-on-message`, it is not told twice.
    feature(&mut h, FeatureSdkEvent::ChatOnMessage(sent.clone()));
    assert_eq!(h.events_since(mark).len(), 1);
    assert_eq!(h.s.chat().history(), &[sent]);
}

#[test]
fn incoming_messages_are_told_and_kept_in_order() {
    let mut h = session(false);
    let mark = h.mark();
    let a = message("a", 2, 0);
    let b = message("b", 2, 1);
    feature(&mut h, FeatureSdkEvent::ChatOnMessage(a.clone()));
    feature(&mut h, FeatureSdkEvent::ChatOnMessage(b.clone()));
    assert_eq!(
        h.events_since(mark),
        &[Event::ChatMessage(a.clone()), Event::ChatMessage(b.clone())]
    );
    assert!(a.to_everyone() && !b.to_everyone());
    assert_eq!(h.s.chat().history(), &[a, b]);
}

#[test]
fn bad_messages_are_refused_naming_why_and_nothing_is_sent() {
    let mut h = session(false);
    let long = "x".repeat(zoomkit_core::chat::MAX_MESSAGE_BYTES + 1);
    for (action, want) in [
        (send("  ", ChatTarget::Everyone), "invalidOption"),
        (send(&long, ChatTarget::Everyone), "invalidOption"),
        (send("me?", ChatTarget::User(UserId(1))), "invalidOption"),
        (
            send("who?", ChatTarget::User(UserId(99))),
            "unknownParticipant",
        ),
    ] {
        let err = act(&mut h, action).unwrap_err();
        assert_eq!(err.code(), want, "{err}");
    }
    assert!(h.open.is_empty(), "nothing issued: {:?}", h.open_ops());
    // Exactly at the limit is fine.
    let ok = "é".repeat(zoomkit_core::chat::MAX_MESSAGE_BYTES / 2);
    act(&mut h, send(&ok, ChatTarget::Everyone)).unwrap();
}

#[test]
fn outside_a_session_chat_is_refused() {
    let mut h = Harness::new();
    let err = act(&mut h, send("hi", ChatTarget::Everyone)).unwrap_err();
    assert!(
        matches!(err, CoreError::NotInSession { state: "idle" }),
        "{err}"
    );
}

#[test]
fn the_hosts_privilege_limits_participants_but_not_the_host() {
    let mut h = session(false);
    let mark = h.mark();
    feature(
        &mut h,
        FeatureSdkEvent::ChatPrivilegeChange(ChatPrivilegeChange {
            chat_privilege: ChatPrivilege::EveryonePublicly,
        }),
    );
    assert_eq!(
        h.events_since(mark),
        &[Event::ChatPrivilegeChanged {
            privilege: ChatPrivilege::EveryonePublicly
        }]
    );
    let err = act(&mut h, send("psst", ChatTarget::User(UserId(2)))).unwrap_err();
    assert_eq!(
        err,
        CoreError::ChatNotAllowed {
            privilege: ChatPrivilege::EveryonePublicly
        }
    );
    act(&mut h, send("hi all", ChatTarget::Everyone)).unwrap();
    feature(
        &mut h,
        FeatureSdkEvent::ChatPrivilegeChange(ChatPrivilegeChange {
            chat_privilege: ChatPrivilege::NoOne,
        }),
    );
    assert_eq!(
        act(&mut h, send("hi all", ChatTarget::Everyone))
            .unwrap_err()
            .code(),
        "chatNotAllowed"
    );
    // The same privilege for the host: allowed.
    let mut host = session(true);
    feature(
        &mut host,
        FeatureSdkEvent::ChatPrivilegeChange(ChatPrivilegeChange {
            chat_privilege: ChatPrivilege::NoOne,
        }),
    );
    act(&mut host, send("hi all", ChatTarget::Everyone)).unwrap();
}

#[test]
fn only_the_host_or_a_manager_sets_the_privilege() {
    let mut h = session(false);
    let err = act(
        &mut h,
        Action::Chat(ChatAction::SetPrivilege(ChatPrivilege::NoOne)),
    )
    .unwrap_err();
    assert_eq!(err.code(), "hostOrManagerOnly");
    assert!(err.to_string().contains("the host or a manager"), "{err}");
    h.sdk(SdkEvent::UserUpdated(vec![me(false, true)]));
    let id = act(
        &mut h,
        Action::Chat(ChatAction::SetPrivilege(ChatPrivilege::NoOne)),
    )
    .unwrap();
    let mark = h.mark();
    h.answer(id, Ok(CommandOutput::Unit));
    assert_eq!(
        h.events_since(mark),
        &[Event::ChatPrivilegeChanged {
            privilege: ChatPrivilege::NoOne
        }]
    );
    assert_eq!(h.s.chat().privilege(), Some(ChatPrivilege::NoOne));
}

#[test]
fn a_failed_send_tells_nothing_and_a_new_join_starts_a_new_history() {
    let mut h = session(false);
    let id = act(&mut h, send("hello", ChatTarget::Everyone)).unwrap();
    let mark = h.mark();
    h.answer(id, Err(zerr(7002, "chat not allowed")));
    assert!(h.events_since(mark).is_empty());
    feature(&mut h, FeatureSdkEvent::ChatOnMessage(message("x", 2, 0)));
    assert_eq!(h.s.chat().history().len(), 1);
    h.input(zoomkit_core::Input::Leave { end: false }).unwrap();
    h.ok("leave");
    // After leaving, a late message is dropped; the next join starts afresh.
    feature(
        &mut h,
        FeatureSdkEvent::ChatOnMessage(message("late", 2, 0)),
    );
    assert_eq!(h.s.chat().history().len(), 1);
    h.join();
    assert!(h.s.chat().history().is_empty());
}

#[test]
fn a_leave_cancels_a_send_in_flight() {
    let mut h = session(false);
    let id = act(&mut h, send("hello", ChatTarget::Everyone)).unwrap();
    h.input(zoomkit_core::Input::Leave { end: false }).unwrap();
    assert!(h.cancelled.contains(&id), "the send is cancelled");
}

#[test]
fn the_feature_payloads_decode_alike_with_serde_and_the_wire_codec() {
    let cases = [
        (
            "chat-on-message",
            r#"{"id":"m-1","message":"hi","sender":{"name":"Ann","userId":16778240,"userGuid":"G"},"receiver":{"name":"Everyone","userId":0},"timestamp":1700000000000}"#,
        ),
        ("chat-privilege-change", r#"{"chatPrivilege":5}"#),
        ("recording-change", r#""Paused""#),
        (
            "individual-recording-change",
            r#"{"status":"Ask","userId":7}"#,
        ),
        ("individual-recording-change", r#"{"status":"Accept"}"#),
        ("share-privilege-change", r#"{"privilege":1}"#),
    ];
    for (name, json) in cases {
        let mut de = serde_json::Deserializer::from_str(json);
        let by_serde = FeatureSdkEvent::decode(name, &mut de).expect(name);
        let value = zoomkit_core::wire::json::parse(json).expect("json");
        let by_wire = FeatureSdkEvent::decode_wire(name, &value).expect(name);
        assert_eq!(by_serde, by_wire, "{name}");
    }
    for (name, json, field) in [
        (
            "chat-privilege-change",
            r#"{"chatPrivilege":2}"#,
            "chatPrivilege",
        ),
        (
            "chat-on-message",
            r#"{"sender":{"name":"A","userId":1}}"#,
            "receiver",
        ),
        (
            "share-privilege-change",
            r#"{"privilege":"x"}"#,
            "privilege",
        ),
    ] {
        let value = zoomkit_core::wire::json::parse(json).expect("json");
        let err = FeatureSdkEvent::decode_wire(name, &value).unwrap_err();
        assert!(err.to_string().contains(field), "{name}: {err}");
    }
}
