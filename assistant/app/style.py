"""The look: one light theme as a Qt style sheet. Colours are Tailwind's slate/indigo scale, which
keeps contrast readable (body text is slate-800 on white, ~12:1)."""

FONT_FAMILIES = ["Inter", "Segoe UI", "SF Pro Text", "Cantarell", "Noto Sans", "DejaVu Sans"]

STYLE = """
QMainWindow, #central { background: #f1f5f9; }
QWidget { color: #1e293b; font-size: 10.5pt; }

#header { background: #ffffff; border-bottom: 1px solid #e2e8f0; }
#title { font-size: 13pt; font-weight: 600; color: #0f172a; }
#subtitle { color: #64748b; font-size: 9.5pt; }
#stateLabel { font-weight: 600; color: #334155; }

#loadBar { background: #ffffff; border-bottom: 1px solid #e2e8f0; }
#loadText { color: #475569; }
QProgressBar { background: #e2e8f0; border: none; border-radius: 3px; max-height: 6px; }
QProgressBar::chunk { background: #6366f1; border-radius: 3px; }

#conversation, #conversationInner { background: #f1f5f9; }
#caption { color: #64748b; font-size: 8.5pt; font-weight: 600; }
#bubbleText { font-size: 11pt; line-height: 140%; }
#userBubble { background: #e0e7ff; border: 1px solid #c7d2fe; border-radius: 12px; }
#assistantBubble { background: #ffffff; border: 1px solid #e2e8f0; border-radius: 12px; }

#toolCard { background: #ffffff; border: 1px solid #e2e8f0; border-left: 4px solid #2563eb;
            border-radius: 10px; }
#toolCard[ok="false"] { border-left-color: #dc2626; }
#toolName { font-family: "JetBrains Mono", "DejaVu Sans Mono", monospace; font-weight: 600;
            color: #1d4ed8; }
#toolArgs { font-family: "JetBrains Mono", "DejaVu Sans Mono", monospace; font-size: 9.5pt;
            color: #334155; }
#toolResult { color: #065f46; background: #ecfdf5; border-radius: 6px; padding: 6px 8px; }
#toolResult[ok="false"] { color: #991b1b; background: #fef2f2; }
#timing { color: #64748b; font-size: 9pt; }
#chip { font-size: 8pt; color: #475569; background: #f1f5f9; border-radius: 8px;
        padding: 1px 8px; }
#chip[effect="destructive"] { color: #991b1b; background: #fee2e2; }
#chip[effect="reversible-write"] { color: #92400e; background: #fef3c7; }

#confirmCard { background: #faf5ff; border: 1px solid #e9d5ff; border-left: 4px solid #7c3aed;
               border-radius: 10px; }
#confirmPrompt { font-size: 11pt; font-weight: 600; color: #3b0764; }
#hint { color: #64748b; font-size: 9pt; }
QPushButton#choice { border-radius: 8px; padding: 6px 14px; font-weight: 600; }
QPushButton#choice[kind="primary"] { background: #7c3aed; color: white; border: none; }
QPushButton#choice[kind="primary"]:hover { background: #6d28d9; }
QPushButton#choice[kind="secondary"] { background: white; color: #5b21b6;
                                       border: 1px solid #ddd6fe; }
QPushButton#choice:disabled { background: #ede9fe; color: #a78bfa; border: none; }

#notice { border-radius: 10px; background: #ffffff; border: 1px solid #e2e8f0; }
#notice[kind="alarm"] { background: #fffbeb; border: 1px solid #fde68a;
                        border-left: 4px solid #f59e0b; }
#notice[kind="error"] { background: #fef2f2; border: 1px solid #fecaca;
                        border-left: 4px solid #dc2626; }
#notice[kind="info"] { background: #f8fafc; border: 1px solid #e2e8f0; }
#noticeTitle { font-weight: 600; }
#noticeText { color: #475569; }

#footer { background: #ffffff; border-top: 1px solid #e2e8f0; }
#micLabel { color: #64748b; font-size: 9pt; }
#micLabel[problem="true"] { color: #b91c1c; }
QPushButton#talkButton { background: #4f46e5; color: white; border: none; border-radius: 12px;
                         font-size: 11.5pt; font-weight: 600; padding: 10px 18px; }
QPushButton#talkButton:hover { background: #4338ca; }
QPushButton#talkButton[mode="recording"] { background: #e11d48; }
QPushButton#talkButton[mode="interrupt"] { background: #0f766e; }
QLineEdit { background: #f8fafc; border: 1px solid #cbd5e1; border-radius: 8px;
            padding: 7px 10px; }
QLineEdit:focus { border-color: #6366f1; background: white; }
QPushButton#flat { background: transparent; border: 1px solid #cbd5e1; border-radius: 8px;
                   padding: 6px 12px; color: #334155; }
QPushButton#flat:hover { background: #f1f5f9; }
QScrollBar:vertical { background: transparent; width: 10px; margin: 2px; }
QScrollBar::handle:vertical { background: #cbd5e1; border-radius: 4px; min-height: 30px; }
QScrollBar::add-line, QScrollBar::sub-line { height: 0; }
"""
