"""The messages accounts send through the mail port, in Chinese and English in one body.

A login may be a mobile number: the message then goes to the port addressed to the number, for an SMS
gateway adapter to deliver (the directory adapter writes it like any mail). Links carry their secret
after `#`, so it never reaches a server log or a Referer header.
"""

from __future__ import annotations

import logging

from marketplace.ports.mail.base import Mail, Mailer

log = logging.getLogger("marketplace.accounts.mail")

_SIGN = "\n\n— 二手车交易平台 / Used-vehicle marketplace"


async def deliver(mailer: Mailer, mail: Mail) -> None:
    """Send after the commit; a failure is logged, never answered: the answers must not depend on the address
    (a failed mail to a taken address must read like a sent one), and the person can ask again."""
    try:
        await mailer.send(mail)
    except Exception:
        log.warning("mail %s not sent", mail.message_id, exc_info=True)


def _mail(message_id: str, to: str, subject: str, zh: str, en: str) -> Mail:
    return Mail(message_id=f"{message_id}@marketplace", to=to, subject=subject, body=f"{zh}\n\n{en}{_SIGN}")


def confirm_registration(to: str, code_id: int, link: str) -> Mail:
    return _mail(
        f"register-{code_id}",
        to,
        "确认注册 / Confirm your registration",
        f"请打开以下链接完成注册（24 小时内有效，仅可使用一次）：\n{link}\n如果不是您本人操作，请忽略本邮件。",
        f"Open this link to finish registering (valid for 24 hours, once):\n{link}\n"
        "If this was not you, ignore this message.",
    )


def already_registered(to: str, attempt_id: str, reset_link: str) -> Mail:
    return _mail(
        f"register-taken-{attempt_id}",
        to,
        "此账号已注册 / You already have an account",
        f"有人尝试用此地址注册，但它已属于一个账号。如果是您本人，请直接登录；忘记密码可在此重设：\n{reset_link}",
        "Someone tried to register with this address, which already has an account. If it was you, log in; "
        f"if you forgot the password, reset it here:\n{reset_link}",
    )


def password_reset(to: str, code_id: int, link: str) -> Mail:
    return _mail(
        f"reset-{code_id}",
        to,
        "重设密码 / Reset your password",
        f"请打开以下链接重设密码（30 分钟内有效，仅可使用一次）：\n{link}\n"
        "如果不是您本人操作，请忽略本邮件，密码不会改变。",
        f"Open this link to set a new password (valid for 30 minutes, once):\n{link}\n"
        "If this was not you, ignore this message; your password stays as it is.",
    )


def login_code(to: str, code_id: int, code: str) -> Mail:
    return _mail(
        f"login-code-{code_id}",
        to,
        f"登录验证码 {code} / Your login code",
        f"您的登录验证码是 {code}（15 分钟内有效）。登录时与密码一起输入，可越过因多次失败而产生的等待。",
        f"Your login code is {code} (valid for 15 minutes). Enter it with your password to skip the wait "
        "that failed attempts caused.",
    )


def password_changed(to: str, event_id: str, tokens_revoked: int) -> Mail:
    return _mail(
        f"password-changed-{event_id}",
        to,
        "密码已更改 / Your password was changed",
        f"您的密码已更改，其他设备上的登录均已退出，{tokens_revoked} 个 API 令牌已吊销（需要时请重新创建）。"
        "如果不是您本人操作，请立即重设密码。",
        f"Your password was changed. Every other session was logged out and {tokens_revoked} API token(s) were "
        "revoked (create new ones where needed). If this was not you, reset your password now.",
    )


def invitation(to: str, invitation_id: int, organisation: str, roles: list[str], link: str) -> Mail:
    role_list = ", ".join(roles)
    return _mail(
        f"invitation-{invitation_id}-{'-'.join(roles)}",
        to,
        f"邀请加入 {organisation} / Invitation to join {organisation}",
        f"{organisation} 邀请您以 {role_list} 身份加入。请用此地址登录（没有账号请先注册）后在此接受或拒绝：\n{link}",
        f"{organisation} invites you to join as {role_list}. Log in with this address (register first if you "
        f"have no account) and accept or decline here:\n{link}",
    )


def confirm_contact(to: str, code_id: int, link: str) -> Mail:
    return _mail(
        f"contact-{code_id}",
        to,
        "确认新的联系方式 / Confirm your new address",
        f"请打开以下链接，确认将此地址用于您的账号（24 小时内有效，仅可使用一次）：\n{link}\n"
        "如果不是您本人操作，请忽略本邮件。",
        f"Open this link to confirm this address for your account (valid for 24 hours, once):\n{link}\n"
        "If this was not you, ignore this message.",
    )


def contact_taken(to: str, attempt_id: str) -> Mail:
    return _mail(
        f"contact-taken-{attempt_id}",
        to,
        "有人尝试使用您的地址 / Someone tried to use your address",
        "另一个账号尝试把此地址设为其联系方式，未获成功。您的账号没有任何改变。",
        "Another account tried to take this address as its own and was refused. Nothing changed on your account.",
    )


def contact_change_requested(to: str, code_id: int, field: str) -> Mail:
    return _mail(
        f"contact-notice-{code_id}",
        to,
        "账号联系方式变更 / A change of your account's address",
        f"有人（很可能是您）请求更改账号的{'邮箱' if field == 'email' else '手机号'}。如果不是您本人，请立即重设密码。",
        f"A change of your account's {field} was requested, probably by you. If it was not you, reset your "
        "password now.",
    )
