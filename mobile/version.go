package mobile

// Version is the release of the library this build comes from, the same as
// the VERSION file and the newest entry of CHANGELOG.md, so that an app can
// log or report which engine it runs (Mobile.Version, MobileVersion).
const Version = "0.1.0"
