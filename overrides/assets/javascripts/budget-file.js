/* Opened from the file system (file://), a page cannot fetch ../versions.json:
   Material's year selector is left out there instead of failing (the portal,
   ../index.html, lists the years). Runs after #__config, before Material's bundle. */
if (location.protocol === "file:") {
  var budgetConfig = document.getElementById("__config")
  var budgetSettings = JSON.parse(budgetConfig.textContent)
  delete budgetSettings.version
  budgetConfig.textContent = JSON.stringify(budgetSettings)
}
