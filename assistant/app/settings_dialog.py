"""The Settings dialog: engine and variant, model, adapter, voice, home city, devices, global
hotkey."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.app.hotkey import SUGGESTED_KEYS, platform_note
from assistant.app.portaudio import list_devices
from assistant.app.settings import TTS_BACKENDS, VARIANTS, Settings, engine_names
from assistant.app.widgets import named
from assistant.engines import ENGINES as REGISTERED

DEFAULT_DEVICE = "System default"


def _combo(values: list[str], current: str, labels: dict[str, str] | None = None) -> QComboBox:
    box = QComboBox()
    for value in values:
        box.addItem((labels or {}).get(value, value), value)
    if current and box.findData(current) < 0:
        box.addItem(f"{current} (not found)", current)  # keep a saved choice visible
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, hotkey_note: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self.result_settings: Settings | None = None
        self._base = settings
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(14)

        self.engine = _combo(list(engine_names()), settings.engine)
        self.engine_help = named(QLabel(), "hint")
        self.engine_help.setWordWrap(True)
        self.engine.currentIndexChanged.connect(self._engine_changed)
        form.addRow("Engine", self.engine)
        form.addRow("", self.engine_help)
        self.variant = _combo(list(VARIANTS), settings.variant,
                              {"": "default", "e2e": "end-to-end", "two-step": "two-step",
                               "sequential": "sequential (ASR, text brain, speech)"})
        form.addRow("Variant (LFM2)", self.variant)
        self.model = QLineEdit(settings.model)
        self.model.setPlaceholderText("default · lfm2: a hub id · cascade: gemma, lfm2")
        form.addRow("Model id", self.model)
        self.model_dir = self._path_row(form, "Model directory", settings.model_dir)
        self.brain = QLineEdit(settings.brain)
        self.brain.setPlaceholderText("default (qwen-0.5b-tools-merged) · a model directory or hub id · "
                                      "cascade and lfm2 sequential")
        form.addRow("Brain (text model)", self.brain)
        self.adapter = self._path_row(form, "LoRA adapter", settings.adapter)

        self.tts = _combo(list(TTS_BACKENDS), settings.tts,
                          {"auto": "automatic (the engine's own voice, else Piper)",
                           "lfm2": "LFM2-Audio voices", "none": "none (text only)"})
        form.addRow("Voice backend", self.tts)
        self.voice = QLineEdit(settings.voice)
        self.voice.setPlaceholderText("backend default")
        form.addRow("Voice", self.voice)
        self.speak = QCheckBox("Speak answers aloud")
        self.speak.setChecked(settings.speak)
        form.addRow("", self.speak)

        self.home = QLineEdit(settings.home)
        self.home.setPlaceholderText("e.g. Leeds, or Portland, Oregon")
        form.addRow("Home city", self.home)
        form.addRow("", self._hint("For the weather when you don't name a place."))

        inputs, outputs = list_devices("input"), list_devices("output")
        self.input_device = _combo([DEFAULT_DEVICE, *inputs], settings.input_device or
                                   DEFAULT_DEVICE)
        self.output_device = _combo([DEFAULT_DEVICE, *outputs], settings.output_device or
                                    DEFAULT_DEVICE)
        form.addRow("Input device", self.input_device)
        form.addRow("Output device", self.output_device)
        if not inputs:
            form.addRow("", self._hint("No microphone is visible right now; typed requests "
                                       "still work."))

        self.hotkey = QComboBox()
        self.hotkey.setEditable(True)
        self.hotkey.addItems(["", *SUGGESTED_KEYS])
        self.hotkey.setCurrentText(settings.global_hotkey)
        form.addRow("Global hotkey", self.hotkey)
        note = hotkey_note or platform_note()
        form.addRow("", self._hint(note or "Hold this key anywhere to talk. Space works "
                                   "whenever this window has focus."))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        self.error = self._hint("")
        self.error.setStyleSheet("color: #b91c1c;")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._engine_changed()

    def _hint(self, text: str) -> QLabel:
        label = named(QLabel(text), "hint")
        label.setWordWrap(True)
        return label

    def _path_row(self, form: QFormLayout, label: str, value: str) -> QLineEdit:
        edit = QLineEdit(value)
        edit.setPlaceholderText("none")
        browse = named(QPushButton("Browse…"), "flat")

        def pick() -> None:
            chosen = QFileDialog.getExistingDirectory(self, label, edit.text())
            if chosen:
                edit.setText(chosen)

        browse.clicked.connect(pick)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(browse)
        form.addRow(label, row)
        return edit

    def _engine_changed(self) -> None:
        engine = self.engine.currentData()
        self.engine_help.setText(REGISTERED[engine].summary if engine in REGISTERED else "")
        self.variant.setEnabled(engine == "lfm2")

    def values(self) -> Settings:
        def device(box: QComboBox) -> str:
            value = box.currentData()
            return "" if value == DEFAULT_DEVICE else str(value)

        return replace(
            self._base,
            engine=self.engine.currentData(), variant=self.variant.currentData(),
            model=self.model.text().strip(), model_dir=self.model_dir.text().strip(),
            brain=self.brain.text().strip(),
            adapter=self.adapter.text().strip(), tts=self.tts.currentData(),
            voice=self.voice.text().strip(), speak=self.speak.isChecked(),
            input_device=device(self.input_device), output_device=device(self.output_device),
            global_hotkey=self.hotkey.currentText().strip().lower(),
            home=self.home.text().strip(),
        )

    def _save(self) -> None:
        try:
            self.result_settings = self.values().validated()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
