"""The few English words Streamlit's own frontend draws and no API of Streamlit 1.67 changes.

``st.file_uploader`` draws its drop zone ("Drag and drop file here"), its button ("Browse files")
and its limit line ("Limit 10MB per file • JSON, ZIP") in English, whatever the app's language
(there is no parameter or config for them). The app cannot translate them, so beside each uploader
it gives the user the instructions in their language (``import.upload_help``, which names these
words so a Chinese reader knows what to press). This is the one list of them: the language tests
accept exactly these, for exactly that reason, and nothing else.
"""

from __future__ import annotations

# text drawn by Streamlit -> why the app cannot replace it
STREAMLIT_OWN_ENGLISH: dict[str, str] = {
    "Drag and drop file here": "st.file_uploader drop zone: drawn by Streamlit's frontend, no parameter changes it",
    "Browse files": "st.file_uploader button: drawn by Streamlit's frontend, no parameter changes it",
    "Limit 10MB per file": "st.file_uploader limit line: built by the frontend from server.maxUploadSize (MB)",
}
DROP_ZONE, BROWSE_BUTTON, LIMIT_LINE = STREAMLIT_OWN_ENGLISH
