"""The Streamlit layer: session state, cached reads and shared widgets for the pages."""
