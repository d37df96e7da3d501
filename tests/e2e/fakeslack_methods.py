"""Answers of the fake Slack Web API, shaped like Slack's: only the fields csbot and slack_sdk read.

Each answer takes the fake's state and the call. The fake holds its lock while these run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.e2e.fakeslack import Call, State

TEAM_ID = "T0000000001"
BOT_USER_ID = "U0000000009"
BOT_ID = "B0000000001"
Payload = dict[str, Any]


def _ts(state: State) -> str:
    return f"1700000000.{state.next_id():06d}"


def _error(error: str) -> Payload:
    return {"ok": False, "error": error}


def auth_test(state: State, call: Call, base_url: str) -> Payload:
    return {
        "ok": True,
        "url": "https://csbot-dev.slack.com/",
        "team": "csbot-dev",
        "user": "csbot",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def _message(call: Call, ts: str) -> Payload:
    message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": ts}
    message["text"] = call.params.get("text", "")
    if "blocks" in call.params:
        message["blocks"] = call.json_param("blocks")
    return message


def chat_post_message(state: State, call: Call, base_url: str) -> Payload:
    channel = call.params.get("channel")
    if not channel:
        return _error("channel_not_found")
    if not any(call.params.get(k) for k in ("text", "blocks", "attachments")):
        return _error("no_text")
    message = _message(call, _ts(state))
    if call.params.get("thread_ts"):
        message["thread_ts"] = call.params["thread_ts"]
    state.messages.setdefault(channel, []).append(message)
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}


def chat_post_ephemeral(state: State, call: Call, base_url: str) -> Payload:
    if not call.params.get("channel") or not call.params.get("user"):
        return _error("invalid_arguments")
    ts = _ts(state)
    state.ephemerals.append({**_message(call, ts), "to": call.params["user"]})
    return {"ok": True, "message_ts": ts}


def chat_update(state: State, call: Call, base_url: str) -> Payload:
    """Lenient: a message the fake never saw is updated too (tests may click sample messages)."""
    channel, ts = call.params.get("channel"), call.params.get("ts")
    if not channel or not ts:
        return _error("invalid_arguments")
    message = _message(call, ts)
    kept = [m for m in state.messages.get(channel, []) if m["ts"] != ts]
    state.messages[channel] = sorted([*kept, message], key=lambda m: str(m["ts"]))
    return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": message}


def chat_delete(state: State, call: Call, base_url: str) -> Payload:
    channel, ts = call.params.get("channel"), call.params.get("ts")
    kept = [m for m in state.messages.get(str(channel), []) if m["ts"] != ts]
    state.messages[str(channel)] = kept
    return {"ok": True, "channel": channel, "ts": ts}


def _view(state: State, call: Call, view_id: str | None = None) -> Payload:
    view = dict(call.json_param("view") or {})
    view_id = view_id or f"V{state.next_id():010d}"
    view.update(id=view_id, team_id=TEAM_ID, hash=f"{state.counter}.hash", app_id="A0000000001")
    view.setdefault("state", {"values": {}})
    view.setdefault("private_metadata", "")
    view.setdefault("callback_id", "")
    state.views[view_id] = view
    return view


def views_open(state: State, call: Call, base_url: str) -> Payload:
    if not call.params.get("trigger_id"):
        return _error("invalid_trigger_id")
    if not call.params.get("view"):
        return _error("invalid_arguments")
    return {"ok": True, "view": _view(state, call)}


def views_update(state: State, call: Call, base_url: str) -> Payload:
    view_id = call.params.get("view_id")
    if not view_id and not call.params.get("external_id"):
        return _error("invalid_arguments")
    return {"ok": True, "view": _view(state, call, view_id)}


def views_publish(state: State, call: Call, base_url: str) -> Payload:
    if not call.params.get("user_id"):
        return _error("invalid_arguments")
    view = _view(state, call)
    view["type"] = "home"
    return {"ok": True, "view": view}


def conversations_open(state: State, call: Call, base_url: str) -> Payload:
    users = str(call.params.get("users") or "")
    if not users:
        return _error("users_list_not_supplied")
    first = users.split(",")[0]
    return {"ok": True, "channel": {"id": "D" + first[1:], "is_im": "," not in users}}


def users_info(state: State, call: Call, base_url: str) -> Payload:
    user_id = str(call.params.get("user") or "")
    if not user_id:
        return _error("user_not_found")
    user = state.users.get(user_id) or {
        "id": user_id,
        "name": "cs.manager",
        "real_name": "CS Manager",
        "tz": "America/New_York",
        "tz_offset": -18000,
        "is_bot": False,
    }
    profile = {"real_name": user.get("real_name", ""), "display_name": user.get("name", "")}
    return {"ok": True, "user": {"team_id": TEAM_ID, "profile": profile, **user}}


def files_get_upload_url(state: State, call: Call, base_url: str) -> Payload:
    if not call.params.get("filename") or not call.params.get("length"):
        return _error("invalid_arguments")
    file_id = f"F{state.next_id():010d}"
    state.pending_uploads[file_id] = {
        "name": call.params["filename"],
        "length": int(call.params["length"]),
        "alt_txt": call.params.get("alt_txt"),
    }
    return {"ok": True, "upload_url": f"{base_url}/upload/v1/{file_id}", "file_id": file_id}


def upload(state: State, call: Call) -> tuple[int, dict[str, str], bytes]:
    """The upload URL itself: stores the bytes, answers as files.slack.com does."""
    file_id = call.path.rstrip("/").split("/")[-1]
    if file_id not in state.pending_uploads:
        return 404, {"Content-Type": "text/plain"}, b"unknown upload"
    state.uploads[file_id] = call.body
    return 200, {"Content-Type": "text/plain"}, f"OK - {len(call.body)}".encode()


def files_complete_upload(state: State, call: Call, base_url: str) -> Payload:
    requested = json.loads(str(call.params.get("files") or "[]"))
    done = []
    for item in requested:
        pending = state.pending_uploads.get(item.get("id"))
        if pending is None or item["id"] not in state.uploads:
            return _error("file_not_found")
        file = {
            "id": item["id"],
            "name": pending["name"],
            "title": item.get("title") or pending["name"],
            "size": len(state.uploads[item["id"]]),
            "permalink": f"https://csbot-dev.slack.com/files/{BOT_USER_ID}/{item['id']}",
        }
        file["channel"] = call.params.get("channel_id")
        state.files[item["id"]] = file
        done.append(file)
    return {"ok": True, "files": done}


API: dict[str, Callable[[State, Call, str], Payload]] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "views.open": views_open,
    "views.update": views_update,
    "views.push": views_open,
    "views.publish": views_publish,
    "conversations.open": conversations_open,
    "users.info": users_info,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}


def api(state: State, call: Call, *, base_url: str) -> Payload:
    if call.token is None:
        return _error("not_authed")
    answer = API.get(call.method)
    return answer(state, call, base_url) if answer else _error("unknown_method")
