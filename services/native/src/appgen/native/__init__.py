"""The native stage: each version's Expo web build, and Expo Go dev servers (docs/expo.md)."""
