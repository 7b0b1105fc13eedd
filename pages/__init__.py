"""Page modules: each defines render(), called through st.navigation in dashboard.py."""
