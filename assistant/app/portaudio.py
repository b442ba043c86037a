"""Sound-device problems as messages people can act on, on top of assistant/audio/devices.py.

The device layer raises `AudioError(code, message)`; here each becomes a `DeviceError` that says
what is wrong and what to do in this app (which Settings field, which package).
"""

from __future__ import annotations

from typing import Literal

from assistant.audio.io import AudioError

Kind = Literal["input", "output"]

# PortAudio's PaErrorCode values that users actually meet.
_PA_INVALID_DEVICE = -9996
_PA_DEVICE_UNAVAILABLE = -9985
_PA_INVALID_SAMPLE_RATE = -9997


class DeviceError(RuntimeError):
    """A sound device cannot be used. The message is for people: what is wrong, what to do."""

    @staticmethod
    def no_device(kind: Kind) -> DeviceError:
        if kind == "input":
            return DeviceError(
                "No microphone found. Connect one (or allow microphone access) and choose it "
                "in Settings → Input device. You can still type requests below."
            )
        return DeviceError(
            "No speaker or headphones found: answers are shown as text only. Connect an output "
            "device and choose it in Settings → Output device."
        )

    @staticmethod
    def from_audio_error(exc: Exception, kind: Kind) -> DeviceError:
        code = getattr(exc, "code", "")
        what = "microphone" if kind == "input" else "speaker"
        if code == "portaudio-missing":
            return DeviceError(
                "Sound is unavailable: the PortAudio library is not installed. On Debian/Ubuntu "
                "run `sudo apt-get install libportaudio2` (macOS: `brew install portaudio`), "
                "then restart the app. Typed requests still work.")
        if code == f"no-{kind}-device":
            return DeviceError.no_device(kind)
        # The device layer raises `from None`; the PortAudio error is still in __context__.
        cause = exc.__context__ or exc
        pa_code = cause.args[1] if len(cause.args) > 1 else None
        if pa_code == _PA_DEVICE_UNAVAILABLE:
            return DeviceError(f"The {what} is busy: another program is using it. Close that "
                               f"program or choose another {kind} device in Settings.")
        if pa_code == _PA_INVALID_DEVICE or (isinstance(cause, ValueError) and "device" in str(
                cause).lower()):
            return DeviceError(f"The chosen {what} is not available (unplugged?). Choose another "
                               f"{kind} device in Settings → {kind.capitalize()} device.")
        if pa_code == _PA_INVALID_SAMPLE_RATE:
            return DeviceError(f"The {what} does not support the sample rate needed. Choose "
                               f"another {kind} device in Settings.")
        return DeviceError(f"The {what} could not be opened ({exc}). Check Settings → "
                           f"{kind.capitalize()} device.")


def list_devices(kind: Kind) -> list[str]:
    """Names of the devices that can do `kind`; [] when there is no sound system at all."""
    from assistant.audio import devices

    try:
        return [str(d["name"]) for d in devices.list_devices(kind)]
    except Exception:  # listing is best effort: Settings offers "system default" regardless
        return []


def check(kind: Kind, name: str = "") -> str | None:
    """None when a `kind` device (the named one, or the default) exists, else what to tell."""
    from assistant.audio import devices

    try:
        if not name:
            devices.default_device(kind)
        elif name not in [str(d["name"]) for d in devices.list_devices(kind)]:
            return (f"The {kind} device {name!r} is not connected. Choose another one in "
                    "Settings (or “System default”).")
    except AudioError as exc:
        return str(DeviceError.from_audio_error(exc, kind))
    except Exception as exc:  # PortAudio query failures: report, never crash the start
        return str(DeviceError.from_audio_error(exc, kind))
    return None
