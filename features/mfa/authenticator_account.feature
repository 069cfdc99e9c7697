@mfa @onboarding
Feature: The account in the authenticator app
  User guide 1.2: the account is named after the environment ("FAMHPExternals"; "UAT-FAMHPExternals"
  in UAT), and a user who already has the FAMHP authenticator account renames it to tell them apart.

  Background:
    Given an organisation administrator has invited a new external user
    And the invited user has confirmed the invitation from the e-mail

  Scenario: The scanned account carries the environment's name and the user's e-mail address
    When they sign in with the initial password
    And they scan the QR code with their authenticator app
    Then the new authenticator account is named after the environment
    And the account of the new authenticator entry is the user's e-mail address

  Scenario: An authenticator that already holds "FAMHPExternals" keeps both accounts working
    Given their authenticator app already holds an account named "FAMHPExternals"
    When they sign in with the initial password
    And they scan the QR code with their authenticator app
    And they rename the new entry to "UAT-FAMHPExternals"
    And they finish the set-up with a code from the new entry
    And they accept the terms of use
    And they choose a new password that meets the policy
    Then the IAM External Portal opens
    And both authenticator accounts still give valid codes
